import { Module } from '@nestjs/common';
import { ModelServicesModule } from '../model-services/model-services.module.js';
import { AutoStopScheduler } from './auto-stop.scheduler.js';
import { AutoStopWorker } from './auto-stop.worker.js';

/** Auto stop (Table 4-4): one delayed BullMQ job per running clock, and its worker. */
@Module({
  imports: [ModelServicesModule],
  providers: [AutoStopScheduler, AutoStopWorker],
  exports: [AutoStopScheduler],
})
export class AutoStopModule {}
