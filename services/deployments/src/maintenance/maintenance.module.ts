import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ServiceEventsModule } from '../service-events/service-events.module.js';
import { MaintenanceWorker } from './maintenance.worker.js';

/** Scheduled housekeeping jobs (purge of old events, stranded notifications). */
@Module({
  imports: [NotificationsModule, ServiceEventsModule],
  providers: [MaintenanceWorker],
})
export class MaintenanceModule {}
