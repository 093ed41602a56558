import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { type ServiceState } from '../lifecycle/index.js';

/**
 * One transition of a model service (kept SERVICE_EVENTS_RETENTION_HOURS, one month by
 * default). `eventId` is also the id of the ServiceStateChanged envelope on Kafka, and
 * (serviceId, version) is unique: one event per version of the service.
 */
@Entity({ name: 'service_events' })
export class ServiceEventEntity {
  /** bigserial: arrives as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 64 })
  reason!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ name: 'from_state', type: 'varchar', length: 32, nullable: true })
  fromState!: ServiceState | null;

  @Column({ name: 'to_state', type: 'varchar', length: 32 })
  toState!: ServiceState;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
