import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** An agency of type cloud service, trusting ModelArts to act with its policies. */
@Entity({ name: 'agencies' })
export class AgencyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  /** Unique in the account, case-insensitively. */
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 32, default: 'cloud_service' })
  type!: string;

  @Column({ name: 'trusted_service', type: 'varchar', length: 32, default: 'ModelArts' })
  trustedService!: string;

  /** "unlimited", or N days / hours such as "30d", "12h". */
  @Column({ name: 'validity_period', type: 'varchar', length: 16, default: 'unlimited' })
  validityPeriod!: string;

  /** Null for unlimited. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
