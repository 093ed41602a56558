import { Column, Entity, PrimaryColumn } from 'typeorm';

/** bigint columns arrive from PostgreSQL as strings; versions fit a JS number by far. */
const bigintNumber = {
  to: (v: number) => v,
  from: (v: string | null) => (v === null ? 0 : Number(v)),
};

/**
 * An API key. The secret itself is never stored: only its keyed hash (HMAC-SHA-256 under the
 * pepper) and, for display, its first 7 and last 4 characters.
 */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'text' })
  region!: string;

  @Column({ type: 'varchar', length: 100 })
  tag!: string;

  @Column({ type: 'varchar', length: 100 })
  description!: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 80 })
  secretHash!: string;

  @Column({ name: 'secret_prefix', type: 'varchar', length: 16 })
  secretPrefix!: string;

  @Column({ name: 'secret_suffix', type: 'varchar', length: 8 })
  secretSuffix!: string;

  @Column({ name: 'previous_secret_hash', type: 'varchar', length: 80, nullable: true })
  previousSecretHash!: string | null;

  @Column({ name: 'previous_valid_until', type: 'timestamptz', nullable: true })
  previousValidUntil!: Date | null;

  @Column({ name: 'all_services', type: 'boolean' })
  allServices!: boolean;

  @Column({ name: 'service_ids', type: 'text', array: true })
  serviceIds!: string[];

  @Column({ name: 'allowed_cidrs', type: 'text', array: true })
  allowedCidrs!: string[];

  @Column({ name: 'allowed_models', type: 'text', array: true })
  allowedModels!: string[];

  /**
   * Frozen by the platform operator: the key stays (listed, rotatable, deletable) but every
   * call with it is refused with ModelArts.81006 (seed 002 Table 4-19) until unfrozen.
   */
  @Column({ type: 'boolean', default: false })
  frozen!: boolean;

  @Column({ name: 'frozen_at', type: 'timestamptz', nullable: true })
  frozenAt!: Date | null;

  @Column({ name: 'frozen_reason', type: 'varchar', length: 200, default: '' })
  frozenReason!: string;

  /** +1 with every change published on maas.keys.v1. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt!: Date | null;

  /** Updated asynchronously, in batches, from maas.usage.v1. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
