import { createBoardBodySchema, type BoardSummary } from '@gongjian/shared';
import { ApiError, request, toClientErrorCode, type ClientErrorCode } from '../api';

/** The boards the user belongs to, from the REST API. */
export class BoardList {
  #boards = $state<BoardSummary[]>([]);
  #loading = $state(true);
  #error = $state<ClientErrorCode | null>(null);

  get boards(): BoardSummary[] {
    return this.#boards;
  }

  get loading(): boolean {
    return this.#loading;
  }

  get error(): ClientErrorCode | null {
    return this.#error;
  }

  async load(): Promise<void> {
    this.#loading = true;
    try {
      this.#boards = await request<BoardSummary[]>('GET', '/api/boards');
      this.#error = null;
    } catch (error) {
      this.#error = toClientErrorCode(error);
    } finally {
      this.#loading = false;
    }
  }

  /** Creates a board; throws `ApiError` when the server refuses. */
  async create(title: string): Promise<BoardSummary> {
    const body = createBoardBodySchema.safeParse({ title });
    if (!body.success) throw new ApiError('invalid', 400);
    const board = await request<BoardSummary>('POST', '/api/boards', body.data);
    this.#boards = [...this.#boards, board];
    return board;
  }
}

/** One board's summary (title and the user's role), the fallback while its document loads. */
export class BoardSummaryLoader {
  #summary = $state<BoardSummary | null>(null);
  #error = $state<ClientErrorCode | null>(null);

  get summary(): BoardSummary | null {
    return this.#summary;
  }

  get error(): ClientErrorCode | null {
    return this.#error;
  }

  async load(boardId: string): Promise<void> {
    try {
      this.#summary = await request<BoardSummary>('GET', `/api/boards/${encodeURIComponent(boardId)}`);
      this.#error = null;
    } catch (error) {
      this.#error = toClientErrorCode(error);
    }
  }
}
