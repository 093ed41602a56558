import {
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  type ObjectCache,
  Watch,
} from '@kubernetes/client-node';
import { type Logger } from '@nestjs/common';
import { backoffDelay } from '@maas/events';

export type ChangeType = 'add' | 'update' | 'delete';

/**
 * A watch that says nothing for this long is taken for dead and re-opened. client-node's
 * default is 30 s: every quiet collection was re-opened twice a minute (a new TLS
 * connection each), from a resourceVersion as old as its last event — on a busy cluster
 * often too old (410 Gone), so an idle reconciler re-listed 1,000 objects now and then
 * (docs/benchmarks.md, "Reconciler", idle CPU). With bookmarks the API server refreshes the
 * resourceVersion about once a minute on every watch, so three minutes of silence is a dead
 * connection.
 */
const WATCH_INACTIVITY_MS = 180_000;

/** client-node's Watch asking for bookmarks, with a longer inactivity timeout (above). */
class BookmarkWatch extends Watch {
  constructor(kubeConfig: KubeConfig) {
    super(kubeConfig);
    // A private field of client-node 2.0's Watch (no option for it).
    (this as unknown as { requestTimeoutMs: number }).requestTimeoutMs = WATCH_INACTIVITY_MS;
  }

  override watch(...[path, params, callback, done]: Parameters<Watch['watch']>) {
    return super.watch(path, { ...params, allowWatchBookmarks: true }, callback, done);
  }
}

export interface ResourceInformerOptions<T extends KubernetesObject> {
  readonly name: string;
  /** The collection's path, e.g. /api/v1/pods. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly list: () => Promise<KubernetesListObject<T>>;
  /** Groups objects by a key (the service id label) for `byKey`; undefined: not indexed. */
  readonly keyOf?: (object: T) => string | undefined;
  readonly onChange: (type: ChangeType, object: T) => void;
  readonly logger: Logger;
}

/**
 * One watched collection: client-node's informer (list, then watch from that
 * resourceVersion; a 410 Gone re-lists, reporting what vanished as deletes), restarted with
 * back-off after any other failure (client-node stops there), plus an index by key. The
 * periodic resync is the controller's: it re-enqueues from this cache, it never re-lists.
 */
export class ResourceInformer<T extends KubernetesObject> {
  private informer?: Informer<T> & ObjectCache<T>;
  private readonly index = new Map<string, Map<string, T>>();
  private readonly keys = new Map<string, string>();
  private stopped = true;
  private listedOk = false;
  private failures = 0;
  private restartTimer?: NodeJS.Timeout;
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: ResourceInformerOptions<T>,
  ) {}

  get hasSynced(): boolean {
    return this.synced;
  }

  async start(): Promise<void> {
    this.stopped = false;
    // client-node's makeInformer, with bookmarks: ListWatch stores a BOOKMARK's
    // resourceVersion and resumes from it.
    const informer = new ListWatch<T>(
      this.options.path,
      new BookmarkWatch(this.kubeConfig),
      async () => {
        const list = await this.options.list();
        this.listedOk = true;
        return list;
      },
      false,
      this.options.labelSelector,
    );
    informer.on('add', (o) => this.changed('add', o));
    informer.on('update', (o) => this.changed('update', o));
    informer.on('delete', (o) => this.changed('delete', o));
    informer.on('error', (error) => this.failed(error));
    this.informer = informer;
    // An API server that does not answer yet: retried with back-off (whenSynced waits).
    await this.run().catch((error: unknown) => this.failed(error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.informer?.stop();
    this.informer = undefined;
    this.index.clear();
    this.keys.clear();
    this.synced = false;
    this.listedOk = false;
  }

  /** Resolves once the first list is in the cache. */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  list(): readonly T[] {
    return this.informer?.list() ?? [];
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer?.get(name, namespace);
  }

  byKey(key: string): T[] {
    return [...(this.index.get(key)?.values() ?? [])];
  }

  indexedKeys(): string[] {
    return [...this.index.keys()];
  }

  private async run(): Promise<void> {
    const informer = this.informer;
    if (!informer || this.stopped) return;
    this.listedOk = false;
    await informer.start();
    if (this.listedOk && !this.synced) {
      this.synced = true;
      this.failures = 0;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    this.failures += 1;
    const delay = backoffDelay(this.failures, { minMs: 500, maxMs: 30_000 });
    this.options.logger.warn({
      msg: `${this.options.name} informer failed; restarting`,
      err: error,
      retryInMs: delay,
    });
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.run().catch((e: unknown) => this.failed(e));
    }, delay);
  }

  private changed(type: ChangeType, object: T): void {
    this.reindex(type, object);
    this.options.onChange(type, object);
  }

  private reindex(type: ChangeType, object: T): void {
    const keyOf = this.options.keyOf;
    if (!keyOf) return;
    const id = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    this.unindex(id);
    const key = type === 'delete' ? undefined : keyOf(object);
    if (key === undefined) return;
    const bucket = this.index.get(key) ?? new Map<string, T>();
    this.index.set(key, bucket);
    bucket.set(id, object);
    this.keys.set(id, key);
  }

  private unindex(id: string): void {
    const previous = this.keys.get(id);
    if (previous === undefined) return;
    const bucket = this.index.get(previous);
    bucket?.delete(id);
    if (bucket?.size === 0) this.index.delete(previous);
    this.keys.delete(id);
  }
}
