import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Whether a tenant account enabled a preset service for itself (SPEC §8: calling a preset
 * service needs it, else ModelArts.81004). `version` increases with every change and is the
 * version of the PresetServiceAccessChanged event that published it.
 */
@Entity({ name: 'preset_access' })
export class PresetAccessEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @PrimaryColumn({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
