export { kafkaCheck, type KafkaCheckOptions } from './checks/kafka.check.js';
export { kubernetesCheck, type KubernetesCheckOptions } from './checks/kubernetes.check.js';
export { postgresCheck, type PostgresCheckOptions } from './checks/postgres.check.js';
export { redisCheck, type RedisCheckOptions } from './checks/redis.check.js';
export { DependencyChecks } from './dependency-checks.js';
export { HealthController } from './health.controller.js';
export { HealthModule } from './health.module.js';
export {
  DEFAULT_CHECK_TIMEOUT_MS,
  type HealthModuleOptions,
  type Probe,
  type ReadinessCheck,
} from './probe.js';
