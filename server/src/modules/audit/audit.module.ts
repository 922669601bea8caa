import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { BoardsModule } from '../boards';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditWriterService } from './audit-writer.service';

@Module({
  imports: [AuthModule, BoardsModule],
  controllers: [AuditController],
  providers: [AuditRepository, AuditWriterService],
  exports: [AuditRepository, AuditWriterService],
})
export class AuditModule {}
