import { isErrorCode } from '@gongjian/shared';
import { ApiError } from './api-error';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Calls the REST API with the session cookie; throws `ApiError` with the server's code. */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { Accept: 'application/json' }
          : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('network', 0);
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const code = data !== null && typeof data === 'object' && 'code' in data ? data.code : null;
    throw new ApiError(isErrorCode(code) ? code : response.status >= 500 ? 'unavailable' : 'internal', response.status);
  }
  return data as T;
}
