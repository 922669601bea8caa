import { Module } from '@nestjs/common';
import { WebSocketModule } from '../../base/websocket';
import { AuditModule } from '../audit';
import { AuthModule } from '../auth';
import { BoardsModule } from '../boards';
import { BoardStoreService } from './board-store.service';
import { CompactorService } from './compactor.service';
import { DocWorkerService } from './doc-worker.service';
import { SnapshotRepository } from './snapshot.repository';
import { SyncGateway } from './sync.gateway';
import { SyncService } from './sync.service';

/** The storage providers (UPDATE_LOG, BOARD_LOCKS, AWARENESS_BUS, INSTANCE_ID) come from StorageModule. */
@Module({
  imports: [WebSocketModule, AuthModule, BoardsModule, AuditModule],
  providers: [SyncGateway, SyncService, BoardStoreService, CompactorService, DocWorkerService, SnapshotRepository],
  exports: [BoardStoreService, CompactorService, SnapshotRepository],
})
export class SyncModule {}
