import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging';
import { mapAnyError } from './map-any-error';

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger: Logger;

  constructor(@Inject(ROOT_LOGGER) root: Logger) {
    this.logger = root.child({ context: AllExceptionsFilter.name });
  }

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const error = mapAnyError(exception);
    if (error.code === 'internal') this.logger.error({ err: exception }, 'unhandled error in request');
    response.status(error.status).json(error.toBody());
  }
}
