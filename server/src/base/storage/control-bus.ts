import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Small JSON messages for every instance (access changes). Delivered at most once, in order per
 * publisher; an instance receives its own messages too, directly and at once.
 */
export interface ControlBus {
  publish(message: unknown): Promise<void>;
  subscribe(onMessage: (message: unknown) => void): () => void;
  close(): Promise<void>;
}

export const CONTROL_BUS = Symbol('CONTROL_BUS');

export class LocalControlBus implements ControlBus {
  private readonly handlers = new Set<(message: unknown) => void>();

  async publish(message: unknown): Promise<void> {
    for (const handler of this.handlers) handler(message);
  }

  subscribe(onMessage: (message: unknown) => void): () => void {
    this.handlers.add(onMessage);
    return () => this.handlers.delete(onMessage);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

/** Redis pub/sub on `<prefix>control`; a message is `<instanceId>\n<json>`, and an instance skips its own. */
export class RedisControlBus implements ControlBus {
  private readonly local = new LocalControlBus();
  private readonly channel: string;

  constructor(
    private readonly publisher: Redis,
    subscriber: Redis,
    prefix: string,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {
    this.channel = `${prefix}control`;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const newline = message.indexOf('\n');
      if (newline < 0 || message.slice(0, newline) === this.instanceId) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.slice(newline + 1));
      } catch {
        this.logger.warn({ channel }, 'unreadable control message');
        return;
      }
      void this.local.publish(parsed);
    });
    subscriber.subscribe(this.channel).catch((err) => this.logger.warn({ err }, 'control channel subscribe failed'));
  }

  async publish(message: unknown): Promise<void> {
    await this.local.publish(message);
    await this.publisher.publish(this.channel, `${this.instanceId}\n${JSON.stringify(message)}`);
  }

  subscribe(onMessage: (message: unknown) => void): () => void {
    return this.local.subscribe(onMessage);
  }

  async close(): Promise<void> {
    await this.local.close();
  }
}
