import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { AdminGuard } from './admin.guard';
import { DirectoryController } from './directory.controller';
import { DirectoryRepository } from './directory.repository';
import { DirectoryService } from './directory.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Regions, organizations and user accounts (AccessEventsService comes from the global AccessModule). */
@Module({
  imports: [AuthModule],
  controllers: [DirectoryController, UsersController],
  providers: [DirectoryService, DirectoryRepository, UsersService, UsersRepository, AdminGuard],
  exports: [DirectoryRepository, AdminGuard],
})
export class DirectoryModule {}
