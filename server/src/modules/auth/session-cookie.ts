import { parse } from 'cookie';

export const SESSION_COOKIE = 'gj_sid';

/** The session token from a Cookie header (REST requests and the socket.io handshake alike). */
export function sessionTokenFromCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return parse(header)[SESSION_COOKIE] || undefined;
}
