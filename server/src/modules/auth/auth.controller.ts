import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  changePasswordBodySchema,
  changePasswordBodySchemaFor,
  csrfResponseSchema,
  loginBodySchema,
  SessionUser,
  sessionResponseSchema,
} from '@gongjian/shared';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { AppError, parseWith } from '../../base/errors';
import { ApiDoc } from '../../base/openapi';
import { LoginThrottledError } from './auth.errors';
import { AuthCookies } from './auth-cookies';
import { AuthGuard, CurrentUser } from './auth.guard';
import { AuthService } from './auth.service';
import { OpensSession } from './csrf.guard';
import { sessionTokenFromCookieHeader } from './session-cookie';

@Controller('api/auth')
export class AuthController {
  private readonly cookies: AuthCookies;

  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cookies = new AuthCookies(config.COOKIE_SECURE);
  }

  @Post('login')
  @HttpCode(200)
  @OpensSession()
  @ApiDoc({
    summary: 'Sign in: sets the session cookie gj_sid and the CSRF cookie gj_csrf',
    description:
      'Must be sent as application/json, from this site (Origin). The policy of new passwords does not apply here. ' +
      'After LOGIN_MAX_FAILURES failures in a row a username is locked (429 account_locked, Retry-After), known or not; ' +
      'after LOGIN_IP_MAX_FAILURES failures from one address, that address is blocked (429 rate_limited, Retry-After).',
    access: 'public',
    body: loginBodySchema,
    response: sessionResponseSchema,
    errors: ['invalid', 'invalid_credentials', 'account_locked', 'rate_limited', 'csrf_failed'],
  })
  async login(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ user: SessionUser }> {
    const { user, token, expiresAt } = await withRetryAfter(response, () =>
      this.auth.login(parseWith(loginBodySchema, body), request.ip),
    );
    this.cookies.setSession(response, token, expiresAt);
    return { user };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiDoc({
    summary: 'Sign out: ends this session and clears its cookies',
    description: 'Answers 204 also without a session.',
    access: 'public',
    errors: ['csrf_failed'],
  })
  async logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout(sessionTokenFromCookieHeader(request.headers.cookie));
    this.cookies.clear(response);
  }

  @Post('logout-all')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  @ApiDoc({
    summary: 'Sign out everywhere: ends every session of the signed-in user and cuts their sockets',
    access: 'user',
    errors: ['csrf_failed'],
  })
  async logoutAll(@CurrentUser() user: SessionUser, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logoutEverywhere(user);
    this.cookies.clear(response);
  }

  @Post('password')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  @ApiDoc({
    summary: "Change the signed-in user's password; every other session of the user ends",
    description:
      'The new password must have at least 10 characters of at least three of lower case, upper case, digits and ' +
      'other characters, or at least 16 characters; must not be a common password or the username. A refusal is ' +
      '400 invalid with details [{path: "newPassword", message: <password issue key>}]. A wrong current password is ' +
      '401 invalid_credentials and counts as a failed sign-in (lockout).',
    access: 'user',
    body: changePasswordBodySchema,
    errors: ['invalid', 'invalid_credentials', 'account_locked', 'rate_limited', 'csrf_failed'],
  })
  async changePassword(
    @CurrentUser() user: SessionUser,
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const parsed = parseWith(changePasswordBodySchemaFor(user.username), body);
    await withRetryAfter(response, () => this.auth.changePassword(user, sessionToken(request), parsed, request.ip));
  }

  @Get('me')
  @UseGuards(AuthGuard)
  @ApiDoc({
    summary: 'The signed-in user; sets the CSRF cookie gj_csrf again',
    access: 'user',
    response: sessionResponseSchema,
  })
  me(
    @CurrentUser() user: SessionUser,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): { user: SessionUser } {
    this.cookies.setCsrf(response, sessionToken(request));
    return { user };
  }

  @Get('csrf')
  @UseGuards(AuthGuard)
  @ApiDoc({
    summary: 'The CSRF token of this session, also set as the cookie gj_csrf; send it as X-CSRF-Token',
    access: 'user',
    response: csrfResponseSchema,
  })
  csrf(@Req() request: Request, @Res({ passthrough: true }) response: Response): { csrfToken: string } {
    return { csrfToken: this.cookies.setCsrf(response, sessionToken(request)) };
  }
}

/** The session token of a request that passed AuthGuard. */
function sessionToken(request: Request): string {
  const token = sessionTokenFromCookieHeader(request.headers.cookie);
  if (!token) throw new AppError('unauthenticated');
  return token;
}

/** Runs a sign-in step; a throttled refusal gets its `Retry-After` header. */
async function withRetryAfter<T>(response: Response, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof LoginThrottledError) response.setHeader('Retry-After', String(err.retryAfterSeconds));
    throw err;
  }
}
