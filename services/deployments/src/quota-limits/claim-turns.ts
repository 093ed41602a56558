/**
 * In-process turns per key: `run` starts once every earlier run of the same key in this
 * process has settled (FIFO), different keys run side by side. The pool_npus claims of one
 * (project, pool) are serialized by a transaction-scoped advisory lock anyway, and a
 * transaction waiting for it holds a pooled database connection: 100 deploys POSTed at once
 * in one pool held the whole pool (20 connections) waiting, and every other query of the
 * process — the reconciler's reads and transitions — waited for a connection (the first
 * pass of a queued service read its row 1.4 s late). Taking turns here first, at most one
 * connection per (project, pool) and process waits for the lock; across replicas the lock
 * still decides.
 */
export class ClaimTurns {
  private readonly last = new Map<string, Promise<unknown>>();

  run<T>(key: string, run: () => Promise<T>): Promise<T> {
    const before = this.last.get(key) ?? Promise.resolve();
    const mine = before.then(run, run);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.last.set(key, settled);
    void settled.then(() => {
      if (this.last.get(key) === settled) this.last.delete(key);
    });
    return mine;
  }
}
