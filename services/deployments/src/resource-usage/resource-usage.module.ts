import { Global, Module } from '@nestjs/common';
import { SERVICE_USAGE_READER } from '../model-services/service-usage.port.js';
import { ResourceUsageReader } from './resource-usage.reader.js';

/**
 * Live compute / video-memory usage of a service's instances, provided to the service
 * details as SERVICE_USAGE_READER (global: model-services reads it through its port and never
 * imports this folder).
 */
@Global()
@Module({
  providers: [
    ResourceUsageReader,
    { provide: SERVICE_USAGE_READER, useExisting: ResourceUsageReader },
  ],
  exports: [SERVICE_USAGE_READER],
})
export class ResourceUsageModule {}
