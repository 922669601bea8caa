import type { BoardRole } from '@gongjian/shared';
import type { RefusalNotice } from './refusal-notice';

export type BoardNotice =
  { id: number; kind: 'refused'; refusal: RefusalNotice } | { id: number; kind: 'role'; role: BoardRole };

type NewNotice = { kind: 'refused'; refusal: RefusalNotice } | { kind: 'role'; role: BoardRole };

/** What the board tells the user about their changes and access: the latest of each kind, until dismissed. */
export class BoardNotices {
  #list = $state<BoardNotice[]>([]);
  #next = 1;

  get list(): BoardNotice[] {
    return this.#list;
  }

  show(notice: NewNotice): void {
    this.#list = [...this.#list.filter((shown) => shown.kind !== notice.kind), { ...notice, id: this.#next++ }];
  }

  /** Replaces the shown notice of the same kind, if it is still shown, keeping its place. */
  refine(notice: NewNotice): void {
    this.#list = this.#list.map((shown) => (shown.kind === notice.kind ? { ...notice, id: shown.id } : shown));
  }

  dismiss(id: number): void {
    this.#list = this.#list.filter((notice) => notice.id !== id);
  }

  /** Takes away the notice of a kind that no longer applies. */
  dismissKind(kind: BoardNotice['kind']): void {
    this.#list = this.#list.filter((notice) => notice.kind !== kind);
  }
}
