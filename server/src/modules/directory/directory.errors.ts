import { AppError } from '../../base/errors';

/** A refusal that names the field, shaped like the issues of a failed zod parse (`parseWith`). */
export function invalidField(path: string, message: string): AppError {
  return new AppError('invalid', message, [{ path, message }]);
}
