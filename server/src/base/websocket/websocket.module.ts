import { Module } from '@nestjs/common';
import { IoServerService } from './io-server.service';

@Module({ providers: [IoServerService], exports: [IoServerService] })
export class WebSocketModule {}
