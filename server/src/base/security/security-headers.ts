import type { NextFunction, Request, Response } from 'express';
import { ownOrigin } from './origin';

const API_PATH = /^\/api(\/|$)/;

/** What every response may do: nothing (JSON, static files, errors). HTML pages widen it. */
const NOTHING_CSP = "default-src 'none'; frame-ancestors 'none'";

export interface SecurityHeaderOptions {
  /** Send HSTS (COOKIE_SECURE: the site is served over HTTPS). */
  hsts: boolean;
}

/**
 * Headers on every response: no sniffing, no framing, no referrer beyond the site, no sharing of
 * the window or of responses with other origins, no powerful browser features, the strictest CSP;
 * API answers are never cached. `appPageCsp` replaces the CSP on the web app's HTML page.
 */
export function securityHeaders(options: SecurityHeaderOptions) {
  return (request: Request, response: Response, next: NextFunction): void => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'same-origin');
    response.setHeader('X-Frame-Options', 'DENY');
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    response.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    response.setHeader('Content-Security-Policy', NOTHING_CSP);
    if (options.hsts) response.setHeader('Strict-Transport-Security', 'max-age=31536000');
    if (API_PATH.test(request.path)) response.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/**
 * The web app's CSP: its own scripts, styles and images only (Svelte sets styles through the
 * CSSOM, which CSP allows, so no 'unsafe-inline'); data: and blob: images; REST and the sync
 * socket to this origin. `connect-src 'self'` covers ws(s) in current browsers; the explicit
 * ws(s) source is for older ones.
 */
export function appPageCsp(request: Request, trustProxy: boolean): string {
  const origin = ownOrigin(request, trustProxy);
  const socket = origin ? ` ${origin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${socket}`,
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}
