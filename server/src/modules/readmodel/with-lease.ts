import type { Lease } from '../../base/storage';

/**
 * Runs `fn` while holding `lease`, renewing it at a third of its length, and releases it after.
 * A failed renewal or release is reported, not thrown: the read model's writes never go back to
 * an older state, so a lost lease costs at most a projection done twice.
 */
export async function withLease<T>(
  lease: Lease,
  leaseMs: number,
  fn: () => Promise<T>,
  onLeaseError: (err: unknown, what: 'renew' | 'release') => void,
): Promise<T> {
  const renewal = setInterval(
    () => {
      lease.renew().catch((err: unknown) => onLeaseError(err, 'renew'));
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  try {
    return await fn();
  } finally {
    clearInterval(renewal);
    await lease.release().catch((err: unknown) => onLeaseError(err, 'release'));
  }
}
