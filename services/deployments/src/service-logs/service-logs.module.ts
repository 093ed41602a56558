import { Module } from '@nestjs/common';
import { ModelServicesModule } from '../model-services/model-services.module.js';
import { ReadServiceLogs } from './read-service-logs.js';
import { ServiceLogsController } from './service-logs.controller.js';

/** Searchable service logs, read from the pods through the Kubernetes API. */
@Module({
  imports: [ModelServicesModule],
  controllers: [ServiceLogsController],
  providers: [ReadServiceLogs],
})
export class ServiceLogsModule {}
