import { SetMetadata } from '@nestjs/common';
import type { ErrorCode } from '@gongjian/shared';
import type { z } from 'zod';

/** Who may call an endpoint; the OpenAPI document states it and the authorization matrix tests it. */
export type ApiAccess = 'public' | 'user' | 'admin' | 'board-member' | 'board-coordinator';

export interface ApiDocOptions {
  summary: string;
  description?: string;
  access: ApiAccess;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success body; omit for none. */
  response?: z.ZodType;
  /** The success body's media type when it is not JSON (then `response`, if given, describes it). */
  contentType?: string;
  /**
   * The success status. Default: the route's `@HttpCode`, else Nest's own default (201 for POST,
   * else 200).
   */
  status?: number;
  /** Error codes this endpoint can answer with beyond the ones its access and inputs imply. */
  errors?: ErrorCode[];
}

export const API_DOC = 'gongjian:api-doc';

/** Documents a route for `/api/docs`; every route of the API carries one (a test checks). */
export const ApiDoc = (options: ApiDocOptions): MethodDecorator => SetMetadata(API_DOC, options);
