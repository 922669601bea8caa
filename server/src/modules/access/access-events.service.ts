import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CONTROL_BUS, ControlBus } from '../../base/storage';

const accessEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: z.string() }),
  z.object({ kind: z.literal('board'), boardId: z.string() }),
]);
export type AccessEvent = z.infer<typeof accessEventSchema>;

/**
 * Tells every instance that someone's access changed, so open sockets are re-checked within a
 * second: a user's sessions revoked, account disabled or organization changed (`userChanged`),
 * or a board's membership changed (`boardChanged`). Carried by the control bus (Redis pub/sub,
 * or in process in embedded mode); the sync service also re-checks every socket periodically in
 * case a message was missed while Redis was unreachable.
 */
@Injectable()
export class AccessEventsService {
  constructor(@Inject(CONTROL_BUS) private readonly bus: ControlBus) {}

  async userChanged(userId: string): Promise<void> {
    await this.bus.publish({ kind: 'user', userId } satisfies AccessEvent);
  }

  async boardChanged(boardId: string): Promise<void> {
    await this.bus.publish({ kind: 'board', boardId } satisfies AccessEvent);
  }

  onEvent(handler: (event: AccessEvent) => void): () => void {
    return this.bus.subscribe((message) => {
      const parsed = accessEventSchema.safeParse(message);
      if (parsed.success) handler(parsed.data);
    });
  }
}
