import { Global, Module } from '@nestjs/common';
import { AWARENESS_BUS } from './awareness-bus';
import { BOARD_LOCKS } from './board-lock';
import { CONTROL_BUS } from './control-bus';
import { UPDATE_LOG } from './update-log';
import { INSTANCE_ID } from './instance-id';
import type { Storage } from './storage';

export const STORAGE = Symbol('STORAGE');

@Global()
@Module({})
export class StorageModule {
  static forRoot(storage: Storage) {
    return {
      module: StorageModule,
      providers: [
        { provide: STORAGE, useValue: storage },
        { provide: UPDATE_LOG, useValue: storage.log },
        { provide: BOARD_LOCKS, useValue: storage.locks },
        { provide: AWARENESS_BUS, useValue: storage.awarenessBus },
        { provide: CONTROL_BUS, useValue: storage.controlBus },
        { provide: INSTANCE_ID, useValue: storage.instanceId },
      ],
      exports: [STORAGE, UPDATE_LOG, BOARD_LOCKS, AWARENESS_BUS, CONTROL_BUS, INSTANCE_ID],
    };
  }
}
