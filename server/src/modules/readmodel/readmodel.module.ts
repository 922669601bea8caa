import { Module } from '@nestjs/common';
import { SyncModule } from '../sync';
import { ProjectorService } from './projector.service';
import { ReadModelRepository } from './readmodel.repository';

/** The read model: relational rows projected from the board documents (DESIGN.md §4). */
@Module({
  imports: [SyncModule],
  providers: [ProjectorService, ReadModelRepository],
  exports: [ProjectorService, ReadModelRepository],
})
export class ReadModelModule {}
