import { Injectable, Logger } from '@nestjs/common';
import {
  allocatableByNode,
  canPlace,
  type Demand,
  type NodeNpus,
  type PoolCapacity,
  poolCapacity,
} from '../admission/index.js';
import { PoolNodesReader } from '../kubernetes/pool-nodes.reader.js';
import { type PoolEntity } from './pool.entity.js';

export interface LiveCapacity extends PoolCapacity {
  readonly observedAt: Date;
}

export type CapacityReading =
  | { readonly ok: true; readonly capacity: LiveCapacity }
  | { readonly ok: false; readonly error: string };

/** A pool's NPUs, read live from the Kubernetes API (never a counter of our own). */
@Injectable()
export class PoolCapacityService {
  private readonly logger = new Logger('PoolCapacity');

  constructor(private readonly reader: PoolNodesReader) {}

  nodesOf(pool: PoolEntity): Promise<NodeNpus[]> {
    return this.reader.nodesOf(pool);
  }

  /** Capacity and free NPUs of the pool's Ready nodes; an unreachable API is reported. */
  async read(pool: PoolEntity): Promise<CapacityReading> {
    try {
      const nodes = await this.reader.nodesOf(pool);
      return { ok: true, capacity: { ...poolCapacity(nodes), observedAt: new Date() } };
    } catch (error) {
      this.logger.warn({ msg: 'cannot read pool capacity', pool: pool.id, err: error });
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Whether `demand` could ever run on the pool: every node of it empty and Ready. Null when
   * the Kubernetes API cannot tell (the caller then lets the request through: the
   * reconciler's admission reports a service that never fits as `exceeds_pool`).
   */
  async fitsWholePool(
    pool: PoolEntity,
    demand: Demand,
  ): Promise<{ fits: boolean; npus: number; nodes: number } | null> {
    let nodes: NodeNpus[];
    try {
      nodes = await this.reader.allocatableOf(pool);
    } catch (error) {
      this.logger.warn({ msg: 'cannot check the pool size', pool: pool.id, err: error });
      return null;
    }
    const whole = allocatableByNode(nodes.map((n) => ({ ...n, ready: true })));
    const npus = [...whole.values()].reduce((a, b) => a + b, 0);
    return { fits: canPlace(whole, demand), npus, nodes: nodes.length };
  }
}
