import { isErrorCode, type ErrorCode } from '@gongjian/shared';

/** A code the UI can translate: the server's catalogue plus what only a client sees. */
export type ClientErrorCode = ErrorCode | 'network' | 'timeout';

export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    readonly status: number,
  ) {
    super(code);
    this.name = 'ApiError';
  }
}

/** Narrows anything thrown or reported (REST, socket ack, provider event) to a translatable code. */
export function toClientErrorCode(error: unknown): ClientErrorCode {
  if (error instanceof ApiError) return error.code;
  if (error === 'network' || error === 'timeout' || isErrorCode(error)) return error;
  return 'internal';
}
