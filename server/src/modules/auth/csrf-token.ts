import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The CSRF token of a session: HMAC-SHA256 keyed with the session token. Every instance derives
 * the same token without storing it, it stays the same for the session's life (so open tabs never
 * race a rotation), and it reveals nothing about the session token, which only the httpOnly
 * cookie carries. A page of another site can neither read it nor compute it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('gongjian csrf v1').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, sent: string): boolean {
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
