/**
 * Concurrent reads of one key share one request (Go's singleflight): a caller that asks
 * while a read of the key is in flight gets that read's answer. Nothing is kept once it
 * settles, so an answer is never older than one request started before the caller asked.
 * A burst of deploy requests on one pool (100 POSTs at once) then costs a few node lists,
 * not one each.
 */
export class SharedReads<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  read(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = load().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
