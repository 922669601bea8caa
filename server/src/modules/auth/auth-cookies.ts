import { CSRF_COOKIE } from '@gongjian/shared';
import type { CookieOptions, Response } from 'express';
import { csrfTokenFor } from './csrf-token';
import { SESSION_COOKIE } from './session-cookie';

/**
 * The two cookies of a session. `gj_sid` is the session itself: httpOnly, SameSite=Lax so that a
 * link from elsewhere opens the app signed in. `gj_csrf` is readable by the app's scripts, which
 * copy it into the `X-CSRF-Token` header, and SameSite=Strict.
 */
export class AuthCookies {
  constructor(private readonly secure: boolean) {}

  /** Both cookies, as login sets them, lasting as long as the session. */
  setSession(response: Response, token: string, expiresAt: Date): void {
    response.cookie(SESSION_COOKIE, token, { ...this.options('lax', true), expires: expiresAt });
    this.setCsrf(response, token, expiresAt);
  }

  /** The CSRF cookie again (a fresh page, or a cookie lost); without `expiresAt` a browser-session cookie. */
  setCsrf(response: Response, sessionToken: string, expiresAt?: Date): string {
    const csrfToken = csrfTokenFor(sessionToken);
    response.cookie(CSRF_COOKIE, csrfToken, { ...this.options('strict', false), expires: expiresAt });
    return csrfToken;
  }

  clear(response: Response): void {
    response.clearCookie(SESSION_COOKIE, this.options('lax', true));
    response.clearCookie(CSRF_COOKIE, this.options('strict', false));
  }

  private options(sameSite: 'lax' | 'strict', httpOnly: boolean): CookieOptions {
    return { httpOnly, sameSite, secure: this.secure, path: '/' };
  }
}
