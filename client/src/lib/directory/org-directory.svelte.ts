import type { OrgSummary } from '@gongjian/shared';
import { request } from '../api';

/** Organization names from the REST directory, loaded once; an unknown id reads as itself. */
export class OrgDirectory {
  #names = $state<ReadonlyMap<string, string>>(new Map());

  async load(): Promise<void> {
    try {
      const orgs = await request<OrgSummary[]>('GET', '/api/orgs');
      this.#names = new Map(orgs.map((org) => [org.id, org.name]));
    } catch {
      // Without the directory, ids stand in for names.
    }
  }

  name(id: string): string {
    return this.#names.get(id) ?? id;
  }
}
