import type { ChangePasswordBody } from '@gongjian/shared';
import { request } from '../api';

/** Changes the signed-in user's password; the server ends every other session of theirs. */
export function changePassword(body: ChangePasswordBody): Promise<void> {
  return request<void>('POST', '/api/auth/password', body);
}

/** Ends every session of the signed-in user, this one included. */
export function logoutEverywhere(): Promise<void> {
  return request<void>('POST', '/api/auth/logout-all');
}
