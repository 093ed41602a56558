/**
 * The deploy request body, shaped like ModelArts' `POST /v1/{project_id}/services`
 * (`service_name`, `config[]`, `schedule[]`) plus our additions from Table 4-4 (`qps`,
 * `event_notification`, and `model_version`/`variant` inside `config`). Values are typed as
 * the API promises them, but the rules re-check every type: this is the last line before the
 * database.
 */
export interface DeployServiceRequest {
  readonly service_name: string;
  readonly description?: string;
  readonly config: readonly DeployConfig[];
  /** Queries per second the gateway allows; DEFAULT_QPS when left out. */
  readonly qps?: number;
  readonly event_notification?: EventNotificationRequest;
  /** Auto stop; off when left out or empty. */
  readonly schedule?: readonly ScheduleRequest[];
}

export interface DeployConfig {
  /** A Model Square model id, e.g. `deepseek-r1`. */
  readonly model_id: string;
  /** Defaults to the model's latest version. */
  readonly model_version?: string;
  /** Context-length variant id, e.g. `32k`; may be left out when the model has only one. */
  readonly variant?: string;
  /** Flavor id (instance specification), e.g. `ascend-910b-8`. */
  readonly specification: string;
  readonly instance_count: number;
  /** The dedicated resource pool. */
  readonly cluster_id: string;
}

export interface EventNotificationRequest {
  readonly enabled: boolean;
  readonly topic?: string;
  readonly events?: readonly string[];
}

export interface ScheduleRequest {
  readonly type: 'stop';
  readonly time_unit: 'HOURS' | 'MINUTES';
  readonly duration: number;
}

/** A resource pool as deploy validation needs it. */
export interface PoolSnapshot {
  readonly id: string;
  readonly region: string;
  /** Flavor ids the pool offers. */
  readonly flavorIds: readonly string[];
}
