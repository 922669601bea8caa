import { parse } from 'cookie';
import { SESSION_COOKIE } from './auth.service';

/** The session token from a Cookie header (REST requests and the socket.io handshake alike). */
export function sessionTokenFromCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return parse(header)[SESSION_COOKIE] || undefined;
}
