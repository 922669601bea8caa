import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { CsrfGuard } from './csrf.guard';
import { LoginThrottleRepository } from './login-throttle.repository';
import { LoginThrottleService } from './login-throttle.service';

@Module({
  controllers: [AuthController],
  providers: [
    AuthService,
    AuthRepository,
    AuthGuard,
    LoginThrottleService,
    LoginThrottleRepository,
    // Global: every route of every module passes the CSRF check.
    { provide: APP_GUARD, useClass: CsrfGuard },
  ],
  exports: [AuthService, AuthRepository, AuthGuard],
})
export class AuthModule {}
