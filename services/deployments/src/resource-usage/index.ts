export { ResourceUsageModule } from './resource-usage.module.js';
export { ResourceUsageReader } from './resource-usage.reader.js';
export { resourceUsageConfig } from './resource-usage.config.js';
