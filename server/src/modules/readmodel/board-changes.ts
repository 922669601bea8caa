import { projectsMap } from '@gongjian/shared';
import * as Y from 'yjs';

/**
 * Follows a board document's transactions and collects what the incremental projection needs:
 * the keys in `projects` of every project that anything inside changed, or that was added,
 * replaced or deleted. (What `meta` says is compared by value instead: ProjectorService.) Cheap:
 * it only walks up from the types a transaction records as changed (`transaction.changed`) to
 * their project.
 */
export class BoardChanges {
  private pending = new Set<string>();
  private readonly projects: Y.AbstractType<unknown>;
  private readonly onTransaction = (transaction: Y.Transaction) => this.collect(transaction);

  constructor(private readonly doc: Y.Doc) {
    this.projects = projectsMap(doc) as Y.AbstractType<unknown>;
    doc.on('afterTransaction', this.onTransaction);
  }

  /** The keys of the projects changed since the last `take`; starts collecting afresh. */
  take(): Set<string> {
    const taken = this.pending;
    this.pending = new Set();
    return taken;
  }

  /** Puts back keys taken by a projection that did not write them. */
  restore(keys: Iterable<string>): void {
    for (const key of keys) this.pending.add(key);
  }

  stop(): void {
    this.doc.off('afterTransaction', this.onTransaction);
  }

  private collect(transaction: Y.Transaction): void {
    for (const [changed, keys] of transaction.changed) {
      const type = changed as Y.AbstractType<unknown>;
      if (type === this.projects) {
        for (const key of keys) if (key !== null) this.pending.add(key);
      } else {
        const key = this.projectKeyOf(type);
        if (key !== null) this.pending.add(key);
      }
    }
  }

  /** The key in `projects` of the project that `type` is inside, or null when it is in none. */
  private projectKeyOf(type: Y.AbstractType<unknown>): string | null {
    let item = type._item;
    while (item !== null) {
      const parent = item.parent;
      if (!(parent instanceof Y.AbstractType)) return null;
      if (parent === this.projects) return item.parentSub;
      item = parent._item;
    }
    return null;
  }
}
