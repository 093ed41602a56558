import { Module } from '@nestjs/common';
import { ModelServicesModule } from '../model-services/model-services.module.js';
import { AutoStopJobs } from './auto-stop.jobs.js';
import { AutoStopWorker } from './auto-stop.worker.js';

/**
 * Auto stop (Table 4-4): one delayed BullMQ job per running clock, and its worker. The
 * reconciler's leadership term keeps the timers (an AutoStopScheduler per term).
 */
@Module({
  imports: [ModelServicesModule],
  providers: [AutoStopJobs, AutoStopWorker],
  exports: [AutoStopJobs],
})
export class AutoStopModule {}
