import { parse } from 'cookie';

export const SESSION_COOKIE = 'gj_sid';

/**
 * The session token from a Cookie header (REST requests and the socket.io handshake alike). A
 * header with two session cookies is no session at all: a sibling site can toss in a cookie of
 * its own that the browser sends first (cookie tossing), and choosing either would be a guess.
 */
export function sessionTokenFromCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  let count = 0;
  for (const part of header.split(';')) if (part.trim().startsWith(`${SESSION_COOKIE}=`)) count += 1;
  if (count > 1) return undefined;
  return parse(header)[SESSION_COOKIE] || undefined;
}
