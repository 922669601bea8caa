import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CSRF_HEADER } from '@gongjian/shared';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { AppError } from '../../base/errors';
import { isSameSiteRequest } from '../../base/security';
import { csrfTokenMatches } from './csrf-token';
import { sessionTokenFromCookieHeader } from './session-cookie';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const OPENS_SESSION = 'gongjian:opens-session';

/**
 * Marks a route that opens a session (login): the caller has no session yet, so no CSRF token.
 * Such a route must be sent as `application/json` (a form of another site cannot send that
 * without a CORS preflight, which is never granted) from an allowed Origin.
 */
export const OpensSession = (): MethodDecorator => SetMetadata(OPENS_SESSION, true);

/**
 * CSRF defence for every route, registered globally (`APP_GUARD`) so new endpoints are covered
 * without opting in. For POST, PUT, PATCH and DELETE:
 * 1. an `Origin` header, when sent, must be this site or in ALLOWED_ORIGINS;
 * 2. with a session cookie, `X-CSRF-Token` must be the session's CSRF token (`csrfTokenFor`).
 * Requests without a session cookie carry no authority to forge; they meet the route's own
 * guard (401). Refusals are 403 `csrf_failed`.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(request.method)) return true;
    if (
      !isSameSiteRequest(request, { trustProxy: this.config.TRUST_PROXY, allowedOrigins: this.config.ALLOWED_ORIGINS })
    ) {
      throw new AppError('csrf_failed', 'The request comes from another site.');
    }
    if (this.reflector.get<boolean | undefined>(OPENS_SESSION, context.getHandler())) {
      if (!request.is('application/json')) throw new AppError('csrf_failed', 'Send this request as application/json.');
      return true;
    }
    const sessionToken = sessionTokenFromCookieHeader(request.headers.cookie);
    if (sessionToken === undefined) return true;
    const sent = request.get(CSRF_HEADER);
    if (!sent || !csrfTokenMatches(sessionToken, sent)) {
      throw new AppError('csrf_failed', `Missing or wrong ${CSRF_HEADER} header; reload the page and try again.`);
    }
    return true;
  }
}
