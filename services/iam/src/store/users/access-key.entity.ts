import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An access key (AK/SK) of a user. The secret key is stored as a SHA-256 hash only. */
@Entity({ name: 'access_keys' })
export class AccessKeyEntity {
  /** The access key id (AK), public. */
  @PrimaryColumn({ name: 'access_key', type: 'varchar', length: 32 })
  accessKey!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'secret_hash', type: 'char', length: 64, select: false })
  secretHash!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  description!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
