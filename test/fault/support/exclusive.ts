import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), 'gongjian-fault-tests.lock');

/**
 * Runs the fault tests one at a time, whichever jest worker (or jest run) they are in: each puts
 * dozens of clients and several servers on a machine whose cores it shares, and the recovery
 * times they measure would otherwise be mostly each other's load. Resolves with the release.
 */
export async function exclusive(timeoutMs = 15 * 60_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(LOCK, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(LOCK, 'utf8'));
    } catch {
      // released meanwhile
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(LOCK, { force: true });
    if (Date.now() > deadline) throw new Error(`fault tests: ${LOCK} still held by ${owner}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
