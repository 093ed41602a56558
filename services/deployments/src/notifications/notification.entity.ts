import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type NotificationStatus = 'pending' | 'delivered' | 'failed';

/**
 * A notification to deliver to a service's subscriber topic (Kafka topic or webhook),
 * written in the transaction of the transition that raised it, then delivered by the
 * notifications worker (BullMQ, job id = notification id).
 */
@Entity({ name: 'service_notifications' })
export class NotificationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ name: 'service_name', type: 'varchar', length: 64 })
  serviceName!: string;

  @Column({ type: 'varchar', length: 2048 })
  topic!: string;

  @Column({ type: 'varchar', length: 32 })
  event!: string;

  @Column({ type: 'varchar', length: 32 })
  state!: string;

  @Column({ type: 'varchar', length: 64 })
  reason!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: NotificationStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
