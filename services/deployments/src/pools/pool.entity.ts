import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { type PoolEdge } from './edge-access.js';

/** A Kubernetes taint the pool's nodes carry; its services get the matching toleration. */
export interface PoolTaint {
  key: string;
  value: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * A dedicated resource pool: the Kubernetes nodes selected by `nodeSelector`, exclusive to
 * the pool through `taint`, offering NPUs under `npuResourceName` and the catalog flavors
 * `flavorIds`. Capacity is never stored: it is read live from the Kubernetes API.
 */
@Entity({ name: 'pools' })
export class PoolEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 256, default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 32 })
  region!: string;

  @Column({ name: 'node_selector', type: 'jsonb' })
  nodeSelector!: Record<string, string>;

  @Column({ type: 'jsonb', nullable: true })
  taint!: PoolTaint | null;

  @Column({ name: 'npu_resource_name', type: 'varchar', length: 253 })
  npuResourceName!: string;

  @Column({ name: 'flavor_ids', type: 'text', array: true })
  flavorIds!: string[];

  /** An edge pool's access mode (seed 000 edge call paths); null: a pool in the data centre. */
  @Column({ type: 'jsonb', nullable: true })
  edge!: PoolEdge | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
