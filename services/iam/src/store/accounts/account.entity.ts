import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** bigint columns arrive from PostgreSQL as strings; versions fit a JS number by far. */
const bigintNumber = {
  to: (v: number) => v,
  from: (v: string | null) => (v === null ? 0 : Number(v)),
};

@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Frozen by the platform operator: the gateways refuse its inference calls (81006). */
  @Column({ type: 'boolean', default: false })
  frozen!: boolean;

  @Column({ name: 'frozen_at', type: 'timestamptz', nullable: true })
  frozenAt!: Date | null;

  @Column({ name: 'frozen_reason', type: 'varchar', length: 200, default: '' })
  frozenReason!: string;

  /** +1 with every AccountChanged published on maas.iam.v1. */
  @Column({ type: 'bigint', default: 1, transformer: bigintNumber })
  version!: number;
}
