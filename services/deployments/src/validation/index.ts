export { type FieldProblem, InvalidFieldsError } from './invalid-fields.error.js';
export * from './limits.js';
export { NOTIFICATION_EVENTS, type NotificationEvent } from './notification-events.js';
export {
  AUTO_STOP_PRESET_HOURS,
  type AutoStop,
  MAX_AUTO_STOP_MINUTES,
  MIN_AUTO_STOP_MINUTES,
} from './auto-stop.rule.js';
export { type ServicePlacement } from './config.rule.js';
export type {
  DeployConfig,
  DeployServiceRequest,
  EventNotificationRequest,
  PoolSnapshot,
  ScheduleRequest,
} from './deploy-request.js';
export {
  DeployValidationErrorCode,
  InvalidDeployRequestError,
} from './deploy-validation.errors.js';
export { MAX_DESCRIPTION_LENGTH } from './description.rule.js';
export { type EventNotification } from './event-notification.rule.js';
export {
  KAFKA_TOPIC_PATTERN,
  MAX_WEBHOOK_URL_LENGTH,
  type NotificationTarget,
  notificationTarget,
  notificationTopicProblem,
  RESERVED_TOPIC_PREFIXES,
} from './notification-topic.js';
export { SERVICE_NAME_PATTERN } from './service-name.rule.js';
export {
  type DeploySpec,
  type DeployValidationContext,
  validateDeployRequest,
} from './validate-deploy-request.js';
