import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { loginBodySchema, SessionUser } from '@gongjian/shared';
import type { Request, Response } from 'express';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { parseWith } from '../../base/errors';
import { AuthGuard, CurrentUser } from './auth.guard';
import { AuthService, SESSION_COOKIE } from './auth.service';
import { sessionTokenFromCookieHeader } from './session-cookie';

@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<{ user: SessionUser }> {
    const { user, token, expiresAt } = await this.auth.login(parseWith(loginBodySchema, body));
    response.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.COOKIE_SECURE,
      path: '/',
      expires: expiresAt,
    });
    return { user };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout(sessionTokenFromCookieHeader(request.headers.cookie));
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @UseGuards(AuthGuard)
  me(@CurrentUser() user: SessionUser): { user: SessionUser } {
    return { user };
  }
}
