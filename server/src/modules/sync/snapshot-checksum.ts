import { createHash } from 'node:crypto';

/** Hex SHA-256 of a snapshot's state, stored beside it and checked on every load. */
export function snapshotChecksum(state: Uint8Array): string {
  return createHash('sha256').update(state).digest('hex');
}
