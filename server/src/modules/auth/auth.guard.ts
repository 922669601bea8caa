import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { SessionUser } from '@gongjian/shared';
import type { Request } from 'express';
import { AppError } from '../../base/errors';
import { AuthService } from './auth.service';
import { sessionTokenFromCookieHeader } from './session-cookie';

type AuthedRequest = Request & { user?: SessionUser };

/** Requires a valid session cookie; puts the user on the request. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const user = await this.auth.userFromToken(sessionTokenFromCookieHeader(request.headers.cookie));
    if (!user) throw new AppError('unauthenticated');
    request.user = user;
    return true;
  }
}

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): SessionUser => {
  const user = context.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw new AppError('unauthenticated');
  return user;
});
