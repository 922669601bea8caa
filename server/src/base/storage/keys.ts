/** Redis keys of one board share the hash tag `{board:ID}` so Redis Cluster keeps them on one shard. */
export function boardKeys(prefix: string, boardId: string) {
  const tag = `${prefix}{board:${boardId}}`;
  return { log: `${tag}:log`, lock: `${tag}:lock`, projectionLock: `${tag}:projection-lock`, awareness: `${tag}:aw` };
}

/** Changes whenever Redis loses its data (see RedisUpdateLog); not per board. */
export function epochKey(prefix: string): string {
  return `${prefix}epoch`;
}
