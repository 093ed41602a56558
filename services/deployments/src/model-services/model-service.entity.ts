import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { type PendingOperation, type ServiceState } from '../lifecycle/index.js';

/** What the reconciler should make of the service's Kubernetes objects. */
export type DesiredStatus = 'running' | 'stopped' | 'deleted';

/** One instance as the reconciler last saw it (per pod of a single-node flavor). */
export interface InstanceStatus {
  name: string;
  node: string | null;
  phase: string;
  ready: boolean;
  restarts: number;
  /** The model version the instance runs. */
  modelVersion?: string;
  message?: string;
}

/**
 * A model service. Three kinds of columns:
 *
 * - **desired** (written by API operations through the state machine, guarded by the
 *   optimistic `version`): model/version/variant/flavor/pool, `instances`, `qps`,
 *   `desiredStatus`, and `generation`, which increases whenever what should run in
 *   Kubernetes changes (instances, version, desired status);
 * - **lifecycle**: `state`, `pending`, `stateReason`, `queuedAt` (FIFO key of admission);
 * - **observed** (written by the reconciler only, without a version check):
 *   `observedGeneration`, `readyInstances`, `instanceStatuses`, usage, `queuePosition`.
 */
@Entity({ name: 'model_services' })
export class ModelServiceEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'varchar', length: 32 })
  region!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 256, default: '' })
  description!: string;

  @Column({ name: 'model_id', type: 'varchar', length: 64 })
  modelId!: string;

  @Column({ name: 'model_name', type: 'varchar', length: 128 })
  modelName!: string;

  @Column({ name: 'model_version', type: 'varchar', length: 32 })
  modelVersion!: string;

  @Column({ name: 'variant_id', type: 'varchar', length: 64 })
  variantId!: string;

  @Column({ name: 'catalog_version', type: 'varchar', length: 32 })
  catalogVersion!: string;

  @Column({ name: 'context_length', type: 'integer' })
  contextLength!: number;

  @Column({ name: 'max_input_tokens', type: 'integer' })
  maxInputTokens!: number;

  @Column({ name: 'max_output_tokens', type: 'integer' })
  maxOutputTokens!: number;

  @Column({ name: 'flavor_id', type: 'varchar', length: 64 })
  flavorId!: string;

  @Column({ name: 'npus_per_instance', type: 'integer' })
  npusPerInstance!: number;

  @Column({ name: 'nodes_per_instance', type: 'integer' })
  nodesPerInstance!: number;

  @Column({ name: 'pool_id', type: 'uuid' })
  poolId!: string;

  /** The model server's container port (catalog). */
  @Column({ type: 'integer' })
  port!: number;

  @Column({ type: 'integer' })
  instances!: number;

  @Column({ type: 'integer' })
  qps!: number;

  @Column({ type: 'varchar', length: 32 })
  state!: ServiceState;

  @Column({ type: 'jsonb', nullable: true })
  pending!: PendingOperation | null;

  @Column({ name: 'state_reason', type: 'text', nullable: true })
  stateReason!: string | null;

  @Column({ name: 'state_changed_at', type: 'timestamptz' })
  stateChangedAt!: Date;

  @Column({ name: 'desired_status', type: 'varchar', length: 16 })
  desiredStatus!: DesiredStatus;

  /** bigint: arrives as a string from PostgreSQL. */
  @Column({ type: 'bigint' })
  generation!: string;

  @Column({ name: 'observed_generation', type: 'bigint' })
  observedGeneration!: string;

  @Column({ name: 'queued_at', type: 'timestamptz', nullable: true })
  queuedAt!: Date | null;

  @Column({ name: 'queue_position', type: 'integer', nullable: true })
  queuePosition!: number | null;

  @Column({ name: 'notification_topic', type: 'varchar', length: 2048, nullable: true })
  notificationTopic!: string | null;

  @Column({ name: 'notification_events', type: 'text', array: true })
  notificationEvents!: string[];

  @Column({ name: 'auto_stop_minutes', type: 'integer', nullable: true })
  autoStopMinutes!: number | null;

  /** bigint: arrives as a string from PostgreSQL. */
  @Column({ name: 'auto_stop_remaining_ms', type: 'bigint', nullable: true })
  autoStopRemainingMs!: string | null;

  @Column({ name: 'auto_stop_resumed_at', type: 'timestamptz', nullable: true })
  autoStopResumedAt!: Date | null;

  @Column({ name: 'k8s_namespace', type: 'varchar', length: 63 })
  k8sNamespace!: string;

  @Column({ name: 'k8s_name', type: 'varchar', length: 63 })
  k8sName!: string;

  @Column({ name: 'ready_instances', type: 'integer', default: 0 })
  readyInstances!: number;

  @Column({ name: 'instance_statuses', type: 'jsonb', default: () => "'[]'" })
  instanceStatuses!: InstanceStatus[];

  @Column({ name: 'compute_usage', type: 'real', nullable: true })
  computeUsage!: number | null;

  @Column({ name: 'memory_usage', type: 'real', nullable: true })
  memoryUsage!: number | null;

  @Column({ name: 'observed_at', type: 'timestamptz', nullable: true })
  observedAt!: Date | null;

  /**
   * Published by the operator to every tenant of the region (SPEC §8 preset services);
   * changed only through ServiceLifecycleStore.amend (it bumps `version`).
   */
  @Column({ type: 'boolean', default: false })
  preset!: boolean;

  @Column({ type: 'integer' })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
