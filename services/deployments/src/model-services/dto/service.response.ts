import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  displayName,
  NOTIFICATION_EVENTS,
  SERVICE_STATES,
  type ServiceState,
} from '../../lifecycle/index.js';
import { autoStopDeadline } from '../auto-stop-budget.js';
import { type CallDescription } from '../call-description.js';
import { type InstanceStatus, type ModelServiceEntity } from '../model-service.entity.js';
import { budgetOf, MINUTE_MS } from '../service-row.js';
import { type ServiceUsage } from '../service-usage.port.js';

export class ServiceConfigResponse {
  @ApiProperty() model_id!: string;
  @ApiProperty() model_name!: string;
  @ApiProperty() model_version!: string;
  @ApiProperty() variant!: string;
  @ApiProperty({ type: 'integer', description: 'Max input + output tokens the gateway enforces' })
  context_length!: number;
  @ApiProperty({ type: 'integer' }) max_input_tokens!: number;
  @ApiProperty({ type: 'integer' }) max_output_tokens!: number;
  @ApiProperty({ description: 'Flavor id' }) specification!: string;
  @ApiProperty({ type: 'integer' }) npus_per_instance!: number;
  @ApiProperty({ type: 'integer', description: 'Desired instances' }) instance_count!: number;
  @ApiProperty({ format: 'uuid', description: 'Pool id' }) cluster_id!: string;
}

export class EventNotificationResponse {
  @ApiProperty() enabled!: boolean;
  @ApiPropertyOptional() topic?: string;
  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true }) events!: string[];
}

export class ScheduleResponse {
  @ApiProperty({ enum: ['stop'] }) type!: 'stop';
  @ApiProperty({ enum: ['HOURS', 'MINUTES'] }) time_unit!: 'HOURS' | 'MINUTES';
  @ApiProperty({ type: 'integer' }) duration!: number;
}

export class AutoStopResponse {
  @ApiProperty({ type: 'integer', description: 'Running time left before the service stops' })
  remaining_seconds!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it stops if it keeps running; null while the clock is paused',
  })
  stops_at!: string | null;
}

export class InstanceStatusResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) node!: string | null;
  @ApiProperty() phase!: string;
  @ApiProperty() ready!: boolean;
  @ApiProperty({ type: 'integer' }) restarts!: number;
}

export class InstancesResponse {
  @ApiProperty({ type: 'integer' }) desired!: number;
  @ApiProperty({ type: 'integer', description: 'Filled by the reconciler' }) ready!: number;
  @ApiProperty({ type: [InstanceStatusResponse] }) details!: InstanceStatus[];
}

export class InstanceUsageResponse {
  @ApiProperty({ description: 'The instance (pod) name' }) name!: string;
  @ApiProperty({ type: String, nullable: true }) node!: string | null;
  @ApiProperty({ type: 'integer', description: 'NPU chips the npu-exporter attributes to it' })
  npus!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'Mean AI Core utilization of its NPUs (npu_chip_info_utilization / 100)',
  })
  compute_usage!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'HBM (video memory) used / total over its NPUs',
  })
  memory_usage!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'HBM used, MB (npu_chip_info_hbm_used_memory)',
  })
  memory_used_mb!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'HBM total, MB (npu_chip_info_hbm_total_memory)',
  })
  memory_total_mb!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Requests in the batch (vllm:num_requests_running)',
  })
  running_requests!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Requests queued (vllm:num_requests_waiting)',
  })
  waiting_requests!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'KV-cache usage of the model server (vllm:kv_cache_usage_perc)',
  })
  kv_cache_usage!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why figures of this instance are missing',
  })
  note!: string | null;
}

export class ResourcesResponse {
  @ApiProperty({ type: 'integer', description: 'NPUs the desired instances take' })
  npus!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description:
      'Compute usage, 0-1: mean AI Core utilization over all NPUs of the running instances ' +
      '(seed 002 Table 4-5; 0 while the request rate is low). Read live on the service details',
  })
  compute_usage!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'Video memory usage, 0-1: HBM used / total over all NPUs of the running instances',
  })
  memory_usage!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'HBM used over all instances, MB' })
  memory_used_mb!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'HBM total over all instances, MB' })
  memory_total_mb!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Requests in the batch, all instances',
  })
  running_requests!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Requests queued, all instances' })
  waiting_requests!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'Mean KV-cache usage of the instances',
  })
  kv_cache_usage!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['prometheus', 'scrape'],
    description: 'Where the figures were read (USAGE_SOURCE); null when no source is configured',
  })
  usage_source!: 'prometheus' | 'scrape' | null;
  @ApiProperty({
    type: [InstanceUsageResponse],
    description: 'Per running instance (service details only)',
  })
  instances!: InstanceUsageResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Why figures are null: not measured (no source configured), the source could not be read ' +
      '(timeout, unreachable), no running instance, or (in lists) read on the details only',
  })
  usage_note!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the figures were read',
  })
  observed_at!: string | null;
}

/** The resources block from live usage (the details call). */
export function resourcesOf(npus: number, usage: ServiceUsage): ResourcesResponse {
  return {
    npus,
    compute_usage: usage.compute_usage,
    memory_usage: usage.memory_usage,
    memory_used_mb: usage.memory_used_mb,
    memory_total_mb: usage.memory_total_mb,
    running_requests: usage.running_requests,
    waiting_requests: usage.waiting_requests,
    kv_cache_usage: usage.kv_cache_usage,
    usage_source: usage.source,
    instances: usage.instances.map((i) => ({ ...i })),
    usage_note: usage.note,
    observed_at: usage.observedAt?.toISOString() ?? null,
  };
}

/** Said in lists (and operation answers) when a source is configured: figures are read per service. */
export const USAGE_ON_DETAILS =
  'Read live on the service details (GET /v1/{project_id}/services/{service_id})';

/** Said while usage cannot be measured: no metrics source is configured (USAGE_SOURCE=none). */
export const USAGE_NOT_MEASURED =
  'Not measured: no NPU metrics source (e.g. the Ascend npu-exporter via Prometheus) is configured';

export class CallEndpointResponse {
  @ApiProperty() api!: string;
  @ApiProperty() method!: string;
  @ApiProperty() url!: string;
  @ApiProperty() auth!: string;
}

export class EdgeCallResponse {
  @ApiProperty({ enum: ['load_balancing', 'node'], description: "The edge pool's access mode" })
  access_mode!: 'load_balancing' | 'node';
  @ApiProperty({
    type: [String],
    description:
      'Edge call paths (seed 000): http://{load balancer address}:{port}{api_url}/v1/chat/completions, ' +
      'or http://{node address}:{node port}/v1/chat/completions per node running an instance',
  })
  urls!: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why there is no path yet (no address assigned, not running)',
  })
  note!: string | null;
}

export class CallDescriptionResponse {
  @ApiProperty({ description: 'The `model` to send: the service name' }) model!: string;
  @ApiProperty() callable!: boolean;
  @ApiProperty({ type: [CallEndpointResponse] }) endpoints!: CallEndpointResponse[];
  @ApiProperty() example!: string;
  @ApiProperty({
    type: EdgeCallResponse,
    nullable: true,
    description:
      'Direct call paths of a service on an edge pool (service details only); null otherwise',
  })
  edge!: EdgeCallResponse | null;
}

export class ServiceResponse {
  @ApiProperty({ format: 'uuid' }) service_id!: string;
  @ApiProperty() service_name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ format: 'uuid' }) project_id!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ enum: SERVICE_STATES }) status!: ServiceState;
  @ApiProperty({ example: 'Deployment Failed' }) status_display_name!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the service is in alarm or failed',
  })
  status_reason!: string | null;
  @ApiProperty({ format: 'date-time' }) status_changed_at!: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: "Position in the pool's queue while queuing",
  })
  queue_position!: number | null;
  @ApiProperty({
    type: 'integer',
    description: 'Increases with every change (optimistic concurrency)',
  })
  version!: number;
  @ApiProperty({ type: [ServiceConfigResponse] }) config!: ServiceConfigResponse[];
  @ApiProperty({ type: 'integer' }) qps!: number;
  @ApiProperty({ type: EventNotificationResponse }) event_notification!: EventNotificationResponse;
  @ApiProperty({ type: [ScheduleResponse] }) schedule!: ScheduleResponse[];
  @ApiProperty({ type: AutoStopResponse, nullable: true }) auto_stop!: AutoStopResponse | null;
  @ApiProperty({ type: InstancesResponse }) instances!: InstancesResponse;
  @ApiProperty({ type: ResourcesResponse }) resources!: ResourcesResponse;
  @ApiProperty({ type: CallDescriptionResponse }) call_description!: CallDescriptionResponse;
  @ApiProperty({
    description:
      'Published by the operator as a preset service of the region (callable by every tenant ' +
      'that enables it)',
  })
  preset!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;

  static from(
    s: ModelServiceEntity,
    call: CallDescription,
    now = new Date(),
    minuteMs = MINUTE_MS,
  ): ServiceResponse {
    return {
      service_id: s.id,
      service_name: s.name,
      description: s.description,
      project_id: s.projectId,
      region: s.region,
      status: s.state,
      status_display_name: displayName(s.state),
      status_reason: s.stateReason,
      status_changed_at: s.stateChangedAt.toISOString(),
      queue_position: s.state === 'queuing' ? s.queuePosition : null,
      version: s.version,
      config: [
        {
          model_id: s.modelId,
          model_name: s.modelName,
          model_version: s.modelVersion,
          variant: s.variantId,
          context_length: s.contextLength,
          max_input_tokens: s.maxInputTokens,
          max_output_tokens: s.maxOutputTokens,
          specification: s.flavorId,
          npus_per_instance: s.npusPerInstance,
          instance_count: s.instances,
          cluster_id: s.poolId,
        },
      ],
      qps: s.qps,
      event_notification: s.notificationTopic
        ? { enabled: true, topic: s.notificationTopic, events: s.notificationEvents }
        : { enabled: false, events: [] },
      schedule: s.autoStopMinutes === null ? [] : [scheduleOf(s.autoStopMinutes)],
      auto_stop: autoStopOf(s, now, minuteMs),
      instances: { desired: s.instances, ready: s.readyInstances, details: s.instanceStatuses },
      resources: {
        npus: s.instances * s.npusPerInstance,
        compute_usage: s.computeUsage,
        memory_usage: s.memoryUsage,
        memory_used_mb: null,
        memory_total_mb: null,
        running_requests: null,
        waiting_requests: null,
        kv_cache_usage: null,
        usage_source: null,
        instances: [],
        usage_note: s.computeUsage === null && s.memoryUsage === null ? USAGE_NOT_MEASURED : null,
        observed_at: s.observedAt?.toISOString() ?? null,
      },
      call_description: { ...call, endpoints: [...call.endpoints], edge: null },
      preset: s.preset,
      created_at: s.createdAt.toISOString(),
      updated_at: s.updatedAt.toISOString(),
    };
  }
}

function scheduleOf(minutes: number): ScheduleResponse {
  return minutes % 60 === 0
    ? { type: 'stop', time_unit: 'HOURS', duration: minutes / 60 }
    : { type: 'stop', time_unit: 'MINUTES', duration: minutes };
}

function autoStopOf(s: ModelServiceEntity, now: Date, minuteMs: number): AutoStopResponse | null {
  const budget = budgetOf(s, minuteMs);
  if (budget.limitMs === null) return null;
  const deadline = autoStopDeadline(budget);
  const remaining = deadline
    ? Math.max(0, deadline.getTime() - now.getTime())
    : (budget.remainingMs ?? budget.limitMs);
  return {
    remaining_seconds: Math.round(remaining / 1000),
    stops_at: deadline?.toISOString() ?? null,
  };
}

export class ServiceListResponse {
  @ApiProperty({ type: 'integer', description: 'Services matching the filter, all pages' })
  total!: number;
  @ApiProperty({ type: 'integer', description: 'Services on this page' }) count!: number;
  @ApiProperty({ type: [ServiceResponse] }) services!: ServiceResponse[];
}

export class ServiceEventResponse {
  @ApiProperty({
    format: 'uuid',
    description: 'Also the id of the ServiceStateChanged event on Kafka',
  })
  event_id!: string;
  @ApiProperty({ type: 'integer', description: "The service's version after the change" })
  version!: number;
  @ApiProperty({ example: 'Deployed' }) reason!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: String, nullable: true, enum: SERVICE_STATES })
  from_state!: ServiceState | null;
  @ApiProperty({ enum: SERVICE_STATES }) to_state!: ServiceState;
  @ApiProperty({ format: 'date-time' }) occurred_at!: string;
}

export class ServiceEventListResponse {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: [ServiceEventResponse], description: 'Newest first; kept one month' })
  events!: ServiceEventResponse[];
}
