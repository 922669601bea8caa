import * as Y from 'yjs';
import { BoardSyncProvider, SyncStatus } from '../../../client/src/lib/sync/board-sync-provider';
import { newProjectMap, prng } from '../../support/random-edits';

export const BOARD = 'demo-liangxi-2026';

export interface Disconnection {
  at: number;
  /** Joined again (status syncing or saved). */
  rejoinedAt?: number;
  /** Everything local acknowledged again. */
  savedAt?: number;
}

/**
 * A client that makes uniquely keyed edits and knows which of them the server acknowledged: each
 * edit adds checklist item `e<n>` to the client's own project, and when the provider reports
 * `saved` (everything local is durable on the server), every edit made so far is acknowledged.
 * Reconnections are timed.
 */
export class Editor {
  readonly provider: BoardSyncProvider;
  readonly projectId: string;
  /** When edit n was made, and when it was known acknowledged. */
  readonly madeAt: number[] = [];
  readonly ackedAt: number[] = [];
  readonly disconnections: Disconnection[] = [];
  /**
   * When the server acknowledged (`ok`) the message that carried edit n, sent as it was made (not
   * a retry, nor the step 2 after a reconnect). Unlike `ackedAt`, this is the server's answer to
   * that very edit, which it must append to the log.
   */
  readonly serverAckedAt: Array<number | undefined> = [];
  /** Packet id of each edit's message → the edit. */
  private readonly editPackets = new Map<number, number>();
  private editBeingSent: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly random: () => number;
  private destroyed = false;

  constructor(
    url: string,
    cookie: string,
    readonly name: string,
    options: { seed?: number; ackTimeoutMs?: number } = {},
  ) {
    this.projectId = `fault-${name}`;
    this.random = prng(options.seed ?? hash(name));
    this.provider = new BoardSyncProvider({
      url,
      boardId: BOARD,
      cookie,
      doc: new Y.Doc(),
      ackTimeoutMs: options.ackTimeoutMs ?? 5_000,
      // The reference client's own defaults for reconnecting (500 ms doubling to 5 s, jittered).
    });
    this.provider.on('status', (status: SyncStatus) => this.onStatus(status));
    // Which packet carries an edit: the one the engine creates while the edit's transaction runs.
    const watchEngine = () =>
      this.provider.socket.io.engine?.on('packetCreate', (packet: { data?: unknown }) => {
        if (this.editBeingSent === undefined || typeof packet.data !== 'string') return;
        const id = /^(?:2|5\d+-)\/sync,(\d+)\["y"/.exec(packet.data)?.[1];
        if (id !== undefined) this.editPackets.set(Number(id), this.editBeingSent);
      });
    this.provider.socket.io.on('open', watchEngine);
    this.provider.socket.io.on('packet', (packet: { type: number; id?: number; data?: unknown }) => {
      if (packet.type !== 3 || packet.id === undefined) return;
      const n = this.editPackets.get(packet.id);
      if (n === undefined) return;
      this.editPackets.delete(packet.id);
      // The server's ack arguments: `[null, ack]` (socket.io's error-first form of timeout acks) or `[ack]`.
      const ack = Array.isArray(packet.data)
        ? (packet.data.find((arg) => arg !== null && typeof arg === 'object') as { ok?: unknown } | undefined)
        : undefined;
      if (ack?.ok === true) this.serverAckedAt[n] = Date.now();
    });
  }

  get made(): number {
    return this.madeAt.length;
  }
  get acked(): number {
    return this.ackedAt.length;
  }
  get doc(): Y.Doc {
    return this.provider.doc;
  }

  /** Joins, creates the client's project, and waits until that is saved. */
  async ready(timeoutMs = 30_000): Promise<void> {
    await this.provider.whenSaved(timeoutMs);
    const doc = this.provider.doc;
    doc.transact(
      () =>
        doc.getMap('projects').set(this.projectId, newProjectMap(this.projectId, `故障测试 ${this.name}`, this.random)),
      'test',
    );
    await this.provider.whenSaved(timeoutMs);
  }

  /** One edit: a new checklist item in the client's project. */
  edit(): void {
    const doc = this.provider.doc;
    const project = doc.getMap<Y.Map<unknown>>('projects').get(this.projectId);
    const checklist = project?.get('checklist');
    if (!(checklist instanceof Y.Map)) throw new Error(`${this.name}: own project missing`);
    const n = this.madeAt.length;
    this.madeAt.push(Date.now());
    this.editBeingSent = n;
    doc.transact(() => {
      const item = new Y.Map<unknown>();
      item.set('id', `e${n}`);
      item.set('rank', `r${String(n).padStart(6, '0')}`);
      item.set('status', 'todo');
      item.set('orgId', 'liangxi-union');
      item.set('text', new Y.Text(`${this.name} #${n}`));
      checklist.set(`e${n}`, item);
    }, 'test');
    this.editBeingSent = undefined;
  }

  /** Edits every `intervalMs` on average (jittered ±50%) until stopped. */
  start(intervalMs: number): void {
    const next = () => {
      this.timer = setTimeout(
        () => {
          if (this.destroyed) return;
          this.edit();
          next();
        },
        intervalMs * (0.5 + this.random()),
      );
    };
    next();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  destroy(): void {
    this.stop();
    this.destroyed = true;
    this.provider.destroy();
  }

  /** First acknowledgement (ms since epoch) of an edit made at or after `time`, if any. */
  firstAckOfEditAfter(time: number): number | undefined {
    const index = this.madeAt.findIndex((made) => made >= time);
    return index >= 0 && index < this.ackedAt.length ? this.ackedAt[index] : undefined;
  }

  /** When the server acknowledged the first edit made at or after `time` that it acknowledged at all. */
  firstServerAckOfEditAfter(time: number): number | undefined {
    for (let n = 0; n < this.madeAt.length; n++) {
      if (this.madeAt[n] >= time && this.serverAckedAt[n] !== undefined) return this.serverAckedAt[n];
    }
    return undefined;
  }

  private onStatus(status: SyncStatus): void {
    const now = Date.now();
    if (status === 'saved') {
      while (this.ackedAt.length < this.madeAt.length) this.ackedAt.push(now);
    }
    const last = this.disconnections[this.disconnections.length - 1];
    if (status === 'offline' || status === 'connecting') {
      if (!last || last.savedAt !== undefined || last.rejoinedAt !== undefined) this.disconnections.push({ at: now });
    } else if (last && last.savedAt === undefined) {
      if ((status === 'syncing' || status === 'saved') && last.rejoinedAt === undefined) last.rejoinedAt = now;
      if (status === 'saved') last.savedAt = now;
    }
  }
}

/** Ids of the checklist items of `projectId` in `doc`. */
export function itemsOf(doc: Y.Doc, projectId: string): Set<string> {
  const project = doc.getMap<Y.Map<unknown>>('projects').get(projectId);
  const checklist = project?.get('checklist');
  return new Set(checklist instanceof Y.Map ? [...checklist.keys()] : []);
}

/** The acknowledged edits of each editor that `doc` lacks, as `name:e<n>`. */
export function missingAcked(doc: Y.Doc, editors: Editor[]): string[] {
  const missing: string[] = [];
  for (const editor of editors) {
    const items = itemsOf(doc, editor.projectId);
    for (let n = 0; n < editor.acked; n++) if (!items.has(`e${n}`)) missing.push(`${editor.name}:e${n}`);
  }
  return missing;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Sum of a Prometheus metric's samples at `/metrics` whose labels include `labels`. */
export async function scrape(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (!Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) continue;
    total += Number(match[3]);
    found = true;
  }
  if (!found) throw new Error(`metric ${name} not found at ${url}`);
  return total;
}

function hash(text: string): number {
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
  return h >>> 0;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether the soak versions run (`npm run soak`): more clients, longer faults. */
export const SOAK = process.env.SOAK === '1' || process.env.SOAK === 'true';

/** A number from the environment, or the default for this run (soak or not). */
export function param(name: string, normal: number, soak: number): number {
  const value = process.env[name];
  return value !== undefined && value !== '' && Number.isFinite(Number(value)) ? Number(value) : SOAK ? soak : normal;
}
