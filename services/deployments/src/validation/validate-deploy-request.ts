import { type ModelCatalog } from '../catalog/model-catalog.js';
import { type AutoStop, checkAutoStop } from './auto-stop.rule.js';
import { checkConfig, type ServicePlacement } from './config.rule.js';
import { type DeployServiceRequest } from './deploy-request.js';
import { InvalidDeployRequestError } from './deploy-validation.errors.js';
import { checkDescription } from './description.rule.js';
import { checkEventNotification, type EventNotification } from './event-notification.rule.js';
import { type PoolContext } from './pool.rule.js';
import { checkQps } from './qps.rule.js';
import { checkServiceName } from './service-name.rule.js';

export interface DeployValidationContext extends PoolContext {
  readonly catalog: ModelCatalog;
  /** Accept http:// webhook URLs as notification topics (https:// always). */
  readonly allowHttpWebhooks?: boolean;
}

/** A deploy request that passed every rule, normalized (defaults filled in). */
export interface DeploySpec extends ServicePlacement {
  readonly serviceName: string;
  readonly description: string;
  readonly qps: number;
  /** null when notification is off. */
  readonly notification: EventNotification | null;
  /** null when auto stop is off. */
  readonly autoStop: AutoStop | null;
}

/**
 * Applies every rule of Table 4-4 and returns the normalized spec, or one
 * InvalidDeployRequestError naming every bad field. Pure: uniqueness of the name in the
 * project and the caller's ModelArts authorization are checked by the use case.
 */
export function validateDeployRequest(
  request: DeployServiceRequest,
  context: DeployValidationContext,
): DeploySpec | InvalidDeployRequestError {
  const body = (typeof request === 'object' && request !== null ? request : {}) as Partial<
    Record<keyof DeployServiceRequest, unknown>
  >;
  const name = checkServiceName(body.service_name);
  const description = checkDescription(body.description);
  const config = checkConfig(body.config, context.catalog, context);
  const qps = checkQps(body.qps);
  const notification = checkEventNotification(body.event_notification, {
    allowHttp: context.allowHttpWebhooks,
  });
  const autoStop = checkAutoStop(body.schedule);
  const problems = [name, description, config, qps, notification, autoStop].flatMap(
    (checked) => checked.problems,
  );
  if (problems.length > 0) return new InvalidDeployRequestError(problems);
  return {
    ...(config.value as ServicePlacement),
    serviceName: name.value as string,
    description: description.value as string,
    qps: qps.value as number,
    notification: notification.value ?? null,
    autoStop: autoStop.value ?? null,
  };
}
