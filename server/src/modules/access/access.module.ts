import { Global, Module } from '@nestjs/common';
import { AccessEventsService } from './access-events.service';

@Global()
@Module({ providers: [AccessEventsService], exports: [AccessEventsService] })
export class AccessModule {}
