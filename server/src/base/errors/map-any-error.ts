import { HttpException } from '@nestjs/common';
import { AppError } from './app-error';

/**
 * Turns anything thrown into an AppError. Unknown errors become `internal` and keep their
 * message out of the response; the caller logs the original.
 */
export function mapAnyError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return new AppError('not_found');
    if (status === 401) return new AppError('unauthenticated');
    if (status === 403) return new AppError('forbidden');
    if (status === 413) return new AppError('too_large');
    if (status === 429) return new AppError('rate_limited');
    if (status >= 400 && status < 500) return new AppError('invalid');
  }
  if (isBodyParserError(error)) {
    return error.type === 'entity.too.large' ? new AppError('too_large') : new AppError('invalid', 'The request body is not valid JSON.');
  }
  // Other client errors raised while reading the request (http-errors: a body whose
  // Content-Encoding does not decode, an unsupported charset…).
  const status = clientErrorStatus(error);
  if (status !== undefined) {
    return status === 413 ? new AppError('too_large') : new AppError('invalid', 'The request body could not be read.');
  }
  return new AppError('internal');
}

function isBodyParserError(error: unknown): error is { type: string } {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string' && 'status' in error;
}

function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('expose' in error)) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  return code !== undefined && code >= 400 && code < 500 ? code : undefined;
}
