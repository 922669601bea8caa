import { RequestMethod, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner } from '@nestjs/core';
import { API_DOC, ApiDocOptions } from './api-doc.decorator';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch';

/** One route as Nest registers it, with its documentation if it has any. */
export interface ApiRoute {
  method: HttpMethod;
  /** Express style, e.g. `/api/regions/:id`. */
  path: string;
  /** The controller's class name without `Controller`, e.g. `Directory`. */
  controller: string;
  handler: string;
  /** Set by `@HttpCode`. */
  httpCode?: number;
  doc?: ApiDocOptions;
}

const METHODS: Partial<Record<RequestMethod, HttpMethod>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.POST]: 'post',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.OPTIONS]: 'options',
  [RequestMethod.HEAD]: 'head',
  [RequestMethod.PATCH]: 'patch',
};

/** Every route the given controllers declare, read from Nest's own route metadata. */
export function collectApiRoutes(controllers: Type[], scanner = new MetadataScanner()): ApiRoute[] {
  const routes: ApiRoute[] = [];
  for (const controller of controllers) {
    const prefixes = asArray<string>(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
    const prototype = controller.prototype as Record<string, unknown>;
    for (const handler of scanner.getAllMethodNames(prototype)) {
      const target = prototype[handler];
      if (typeof target !== 'function') continue;
      const paths = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = METHODS[Reflect.getMetadata(METHOD_METADATA, target) as RequestMethod];
      if (!method) continue;
      const doc = Reflect.getMetadata(API_DOC, target) as ApiDocOptions | undefined;
      const httpCode = Reflect.getMetadata(HTTP_CODE_METADATA, target) as number | undefined;
      for (const prefix of prefixes) {
        for (const path of asArray(paths)) {
          routes.push({
            method,
            path: joinPath(prefix, path),
            controller: controller.name.replace(/Controller$/, ''),
            handler,
            ...(httpCode === undefined ? {} : { httpCode }),
            ...(doc === undefined ? {} : { doc }),
          });
        }
      }
    }
  }
  return routes;
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** `api` + `:id/orgs` → `/api/:id/orgs`, as Nest joins them. */
export function joinPath(...parts: string[]): string {
  const joined = parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/');
  return `/${joined}`;
}
