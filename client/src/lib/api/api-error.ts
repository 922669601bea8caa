import { isErrorCode, type ErrorCode } from '@gongjian/shared';

/** A code the UI can translate: the server's catalogue plus what only a client sees. */
export type ClientErrorCode = ErrorCode | 'network' | 'timeout';

/** One refused field of an `invalid` answer: the field's path and a message (for a password, its issue key). */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    readonly status: number,
    readonly details: readonly ErrorDetail[] = [],
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

/** The refused fields an error names (an `invalid` answer's details), if any. */
export function errorDetailsOf(error: unknown): readonly ErrorDetail[] {
  return error instanceof ApiError ? error.details : [];
}
