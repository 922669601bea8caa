import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  createUserBodySchema,
  idParamsSchema,
  resetPasswordBodySchema,
  updateUserBodySchema,
  userAccountSchema,
  usersQuerySchema,
  userSummarySchema,
  type SessionUser,
  type UserAccount,
  type UserSummary,
} from '@gongjian/shared';
import { z } from 'zod';
import { parseWith } from '../../base/errors';
import { ApiDoc } from '../../base/openapi';
import { AuthGuard, CurrentUser } from '../auth';
import { AdminGuard } from './admin.guard';
import { UsersService } from './users.service';

/** An administrator sees the whole account; everyone else the summary. */
const userViewSchema = z.union([userAccountSchema, userSummarySchema]);

@Controller('api/users')
@UseGuards(AuthGuard)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiDoc({
    summary: 'List users',
    description:
      'For pickers: id, username, display name and organization; administrators also get the account fields.',
    access: 'user',
    query: usersQuerySchema,
    response: z.array(userViewSchema),
  })
  list(@CurrentUser() actor: SessionUser, @Query() query: unknown): Promise<Array<UserSummary | UserAccount>> {
    return this.users.list(actor, parseWith(usersQuerySchema, query));
  }

  @Get(':id')
  @ApiDoc({
    summary: 'Get a user',
    access: 'user',
    params: idParamsSchema,
    response: userViewSchema,
    errors: ['not_found'],
  })
  get(@CurrentUser() actor: SessionUser, @Param() params: unknown): Promise<UserSummary | UserAccount> {
    return this.users.get(actor, parseWith(idParamsSchema, params).id);
  }

  @Post()
  @UseGuards(AdminGuard)
  @ApiDoc({
    summary: 'Create a user',
    description: 'A taken username is a conflict.',
    access: 'admin',
    body: createUserBodySchema,
    response: userAccountSchema,
    errors: ['conflict'],
  })
  create(@Body() body: unknown): Promise<UserAccount> {
    return this.users.create(parseWith(createUserBodySchema, body));
  }

  @Patch(':id')
  @UseGuards(AdminGuard)
  @ApiDoc({
    summary: 'Change a user',
    description:
      'Disabling a user ends their sessions; disabling, an organization or administrator change re-checks their open connections. An administrator cannot remove their own administrator rights or disable themselves (conflict).',
    access: 'admin',
    params: idParamsSchema,
    body: updateUserBodySchema,
    response: userAccountSchema,
    errors: ['not_found', 'conflict'],
  })
  update(@CurrentUser() actor: SessionUser, @Param() params: unknown, @Body() body: unknown): Promise<UserAccount> {
    return this.users.update(actor, parseWith(idParamsSchema, params).id, parseWith(updateUserBodySchema, body));
  }

  @Post(':id/password')
  @UseGuards(AdminGuard)
  @HttpCode(204)
  @ApiDoc({
    summary: 'Reset a user’s password',
    description: 'Ends every session of the user.',
    access: 'admin',
    params: idParamsSchema,
    body: resetPasswordBodySchema,
    errors: ['not_found'],
  })
  resetPassword(@Param() params: unknown, @Body() body: unknown): Promise<void> {
    return this.users.resetPassword(parseWith(idParamsSchema, params).id, parseWith(resetPasswordBodySchema, body));
  }
}
