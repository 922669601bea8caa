import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { boardKeys } from './keys';

/** Carries awareness updates between instances; never stored. */
export interface AwarenessBus {
  publish(boardId: string, payload: Uint8Array): void;
  subscribe(boardId: string, onPayload: (payload: Uint8Array) => void): () => void;
  close(): Promise<void>;
}

export const AWARENESS_BUS = Symbol('AWARENESS_BUS');

/** One instance: nothing to carry. */
export class LocalAwarenessBus implements AwarenessBus {
  publish(): void {}
  subscribe(): () => void {
    return () => {};
  }
  async close(): Promise<void> {}
}

/**
 * Redis pub/sub, one channel per board; a message is `<instanceId>\n` + the awareness update,
 * and an instance ignores its own.
 */
export class RedisAwarenessBus implements AwarenessBus {
  private readonly handlers = new Map<string, (payload: Uint8Array) => void>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const newline = message.indexOf(10);
      if (newline < 0 || message.subarray(0, newline).toString() === this.instanceId) return;
      const handler = this.handlers.get(channel.toString());
      handler?.(new Uint8Array(message.buffer, message.byteOffset + newline + 1, message.byteLength - newline - 1));
    });
  }

  publish(boardId: string, payload: Uint8Array): void {
    const channel = boardKeys(this.prefix, boardId).awareness;
    const message = Buffer.concat([Buffer.from(`${this.instanceId}\n`), payload]);
    this.publisher.publish(channel, message).catch((err) => this.logger.warn({ err, boardId }, 'awareness publish failed'));
  }

  subscribe(boardId: string, onPayload: (payload: Uint8Array) => void): () => void {
    const channel = boardKeys(this.prefix, boardId).awareness;
    this.handlers.set(channel, onPayload);
    this.subscriber.subscribe(channel).catch((err) => this.logger.warn({ err, boardId }, 'awareness subscribe failed'));
    return () => {
      if (this.handlers.delete(channel)) {
        this.subscriber.unsubscribe(channel).catch((err) => this.logger.warn({ err, boardId }, 'awareness unsubscribe failed'));
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.subscriber.disconnect();
  }
}
