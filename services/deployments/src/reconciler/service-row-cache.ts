import { type ModelServiceEntity } from '../model-services/model-service.entity.js';
import { type ObservedStatus } from '../model-services/model-services.repository.js';

/**
 * The service rows the reconciler's passes read, cached for its leadership term so that a
 * pass over a settled service costs no query (as controller-runtime's client reads from
 * the informer cache). Kept fresh by the database itself: every insert, delete or
 * transition NOTIFYs the service id (→ `invalidate`), the safety-net poll drops rows whose
 * version moved (→ `dropOutdated`), a LISTEN reconnect or a resync reloads everything.
 * Observed fields are written by the reconciler alone, so it updates them here itself.
 *
 * A stale row can only be older than the latest commit for a few milliseconds (until its
 * NOTIFY): the pass it feeds is level-triggered and idempotent, its observation is
 * applied only if the row is still at the version read (`ifVersion`), and the NOTIFY
 * queues a fresh pass.
 */
export class ServiceRowCache {
  private readonly rows = new Map<string, ModelServiceEntity>();
  /** Bumped by each invalidation: a read that started before one must not be cached. */
  private readonly epochs = new Map<string, number>();
  private generation = 0;

  constructor(private readonly load: (id: string) => Promise<ModelServiceEntity | null>) {}

  async get(id: string): Promise<ModelServiceEntity | null> {
    const cached = this.rows.get(id);
    if (cached) return cached;
    const epoch = this.epochOf(id);
    const generation = this.generation;
    const row = await this.load(id);
    if (row && this.epochOf(id) === epoch && this.generation === generation) this.rows.set(id, row);
    return row;
  }

  invalidate(id: string): void {
    this.rows.delete(id);
    this.epochs.set(id, this.epochOf(id) + 1);
  }

  /** Forgets everything (and ignores reads that were in flight). */
  clear(): void {
    this.rows.clear();
    this.epochs.clear();
    this.generation += 1;
  }

  /** Replaces the cache with a full read (started after `clear`). */
  fill(rows: readonly ModelServiceEntity[], generation: number): void {
    if (generation !== this.generation) return;
    for (const row of rows) if (!this.epochs.has(row.id)) this.rows.set(row.id, row);
  }

  /** The cache generation now: pass it to `fill` with a read started after this call. */
  get currentGeneration(): number {
    return this.generation;
  }

  /** Drops cached rows whose version is not the database's any more. */
  dropOutdated(versions: readonly { id: string; version: number }[]): void {
    for (const { id, version } of versions)
      if (this.rows.get(id)?.version !== undefined && this.rows.get(id)?.version !== version)
        this.invalidate(id);
  }

  /** What the reconciler just wrote itself (observed fields have no other writer). */
  recorded(id: string, observed: ObservedStatus): void {
    const row = this.rows.get(id);
    if (!row) return;
    const changes = Object.fromEntries(
      Object.entries(observed).filter(([, value]) => value !== undefined),
    ) as Partial<ModelServiceEntity>;
    if (observed.observedGeneration !== undefined)
      changes.observedGeneration = String(observed.observedGeneration);
    this.rows.set(id, { ...row, ...changes });
  }

  get size(): number {
    return this.rows.size;
  }

  private epochOf(id: string): number {
    return this.epochs.get(id) ?? 0;
  }
}
