/**
 * The calls in flight, so a shutdown can let them finish (SPEC §10 graceful shutdown: open
 * SSE streams run to their end) and cut what is still open at the drain deadline.
 */
export class InFlightCalls {
  private readonly calls = new Set<AbortController>();
  private idle?: () => void;
  private closing = false;

  get size(): number {
    return this.calls.size;
  }

  get draining(): boolean {
    return this.closing;
  }

  /** A call begins: its controller aborts the upstream call if the drain deadline passes. */
  add(controller: AbortController): void {
    this.calls.add(controller);
  }

  delete(controller: AbortController): void {
    this.calls.delete(controller);
    if (this.calls.size === 0) this.idle?.();
  }

  /**
   * Stops taking calls, waits until the open ones end or `timeoutMs` passes, then aborts the
   * rest (their clients see the stream end; their usage so far is still recorded).
   */
  async drain(timeoutMs: number): Promise<{ cut: number }> {
    this.closing = true;
    if (this.calls.size === 0) return { cut: 0 };
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<void>((resolve) => (this.idle = resolve));
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), timeoutMs);
    });
    const outcome = await Promise.race([idle, deadline]);
    clearTimeout(timer);
    if (outcome !== 'deadline') return { cut: 0 };
    const cut = this.calls.size;
    for (const controller of this.calls) controller.abort(new Error('gateway shutting down'));
    return { cut };
  }
}
