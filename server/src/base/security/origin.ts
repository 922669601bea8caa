import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface OriginPolicy {
  /** Believe `X-Forwarded-Host` and `X-Forwarded-Proto` (TRUST_PROXY). */
  trustProxy: boolean;
  /** Other origins allowed (ALLOWED_ORIGINS), normalized by `new URL(…).origin`. */
  allowedOrigins: readonly string[];
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first || undefined;
}

/** The origin the request was sent to (`scheme://host[:port]`), as the browser sees it; null if unknown. */
export function ownOrigin(request: IncomingMessage, trustProxy: boolean): string | null {
  const host =
    (trustProxy ? firstValue(request.headers['x-forwarded-host']) : undefined) ?? firstValue(request.headers.host);
  if (!host) return null;
  const scheme =
    (trustProxy ? firstValue(request.headers['x-forwarded-proto']) : undefined) ??
    ((request.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http');
  return normalizeOrigin(`${scheme}://${host}`);
}

function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * Whether a browser may have sent this request from a page of ours. A request without `Origin`
 * (a non-browser client, or an old browser on a same-origin request) passes unless
 * `Sec-Fetch-Site` says it came from another site; `Origin: null` (sandboxed frames, opaque
 * redirects) never passes.
 */
export function isSameSiteRequest(request: IncomingMessage, policy: OriginPolicy): boolean {
  const origin = firstValue(request.headers.origin);
  if (origin === undefined) return firstValue(request.headers['sec-fetch-site']) !== 'cross-site';
  const normalized = normalizeOrigin(origin);
  if (normalized === null) return false;
  return normalized === ownOrigin(request, policy.trustProxy) || policy.allowedOrigins.includes(normalized);
}
