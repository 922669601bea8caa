import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { DirectoryController } from './directory.controller';
import { DirectoryRepository } from './directory.repository';

@Module({ imports: [AuthModule], controllers: [DirectoryController], providers: [DirectoryRepository], exports: [DirectoryRepository] })
export class DirectoryModule {}
