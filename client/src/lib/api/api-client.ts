import { CSRF_COOKIE, CSRF_HEADER, isErrorCode } from '@gongjian/shared';
import { ApiError, type ErrorDetail } from './api-error';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The session's CSRF token from its readable cookie (set at login and by `/api/auth/me`). */
function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

/** Asks the server to set the CSRF cookie again (it is tied to the session cookie). */
async function refreshCsrfToken(): Promise<string | null> {
  try {
    const response = await fetch('/api/auth/csrf', {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) return null;
  } catch {
    return null;
  }
  return csrfToken();
}

function send(method: Method, path: string, body: unknown, csrf: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf !== null) headers[CSRF_HEADER] = csrf;
  return fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function errorCodeOf(response: Response): Promise<unknown> {
  const data: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  return data !== null && typeof data === 'object' && 'code' in data ? data.code : null;
}

/** The `details` of an error body that names refused fields (`[{path, message}]`); others are left out. */
function detailsOf(data: unknown): ErrorDetail[] {
  if (data === null || typeof data !== 'object' || !('details' in data) || !Array.isArray(data.details)) return [];
  return data.details.flatMap((detail: unknown) =>
    detail !== null &&
    typeof detail === 'object' &&
    'path' in detail &&
    'message' in detail &&
    typeof detail.path === 'string' &&
    typeof detail.message === 'string'
      ? [{ path: detail.path, message: detail.message }]
      : [],
  );
}

/**
 * Calls the REST API with the session cookie; throws `ApiError` with the server's code. Every
 * request but a GET carries the CSRF token from its cookie; when the server refuses it (the
 * cookie lost, or left from another session), the token is fetched again and the request sent
 * once more.
 */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await send(method, path, body, method === 'GET' ? null : csrfToken());
    if (method !== 'GET' && response.status === 403 && (await errorCodeOf(response)) === 'csrf_failed') {
      const csrf = await refreshCsrfToken();
      if (csrf !== null) response = await send(method, path, body, csrf);
    }
  } catch {
    throw new ApiError('network', 0);
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const code = data !== null && typeof data === 'object' && 'code' in data ? data.code : null;
    throw new ApiError(
      isErrorCode(code) ? code : response.status >= 500 ? 'unavailable' : 'internal',
      response.status,
      detailsOf(data),
    );
  }
  return data as T;
}
