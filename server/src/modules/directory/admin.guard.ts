import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { SessionUser } from '@gongjian/shared';
import { AppError } from '../../base/errors';

/**
 * Lets system administrators through, after `AuthGuard` has put the user on the request; so a
 * signed-in non-admin is refused with `forbidden` before the body is even read.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<{ user?: SessionUser }>().user;
    if (!user) throw new AppError('unauthenticated');
    if (!user.isAdmin) throw new AppError('forbidden');
    return true;
  }
}
