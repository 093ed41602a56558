import { Inject, Injectable, Optional } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { pageOf } from '../../common/pagination.dto.js';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../../config.js';
import { ServiceEventsRepository } from '../../service-events/service-events.repository.js';
import { callDescription } from '../call-description.js';
import {
  resourcesOf,
  type ServiceEventListResponse,
  type ServiceListResponse,
  ServiceResponse,
  USAGE_ON_DETAILS,
} from '../dto/service.response.js';
import { type ListServicesQuery } from '../dto/service-operations.request.js';
import { type ModelServiceEntity } from '../model-service.entity.js';
import { ServiceNotFoundError } from '../model-services.errors.js';
import { ModelServicesRepository } from '../model-services.repository.js';
import { SERVICE_USAGE_READER, type ServiceUsageReader } from '../service-usage.port.js';
import { EDGE_CALL_PATHS, type EdgeCallPaths } from '../edge-call.port.js';
import { type PageQuery } from '../../common/pagination.dto.js';

/** Reads: one service's details, the project's services, a service's events. */
@Injectable()
export class ReadServices {
  constructor(
    private readonly services: ModelServicesRepository,
    private readonly eventRows: ServiceEventsRepository,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
    @Optional() @Inject(SERVICE_USAGE_READER) private readonly usage?: ServiceUsageReader,
    @Optional() @Inject(EDGE_CALL_PATHS) private readonly edge?: EdgeCallPaths,
  ) {}

  view(service: ModelServiceEntity): ServiceResponse {
    const view = ServiceResponse.from(
      service,
      callDescription(this.config.PUBLIC_BASE_URL, service),
      new Date(),
      this.config.AUTO_STOP_MINUTE_MS,
    );
    // Usage is read live, per service, on the details only (bounded by USAGE_TIMEOUT_MS).
    if (this.usage?.measured) view.resources.usage_note = USAGE_ON_DETAILS;
    return view;
  }

  /**
   * The details (seed 002 §4.2): with the live compute and video memory usage ("Resources")
   * and, on an edge pool, the edge call paths (seed 000).
   */
  async one(ctx: ProjectRequestContext, serviceId: string): Promise<ServiceResponse> {
    const service = await this.find(ctx, serviceId);
    const view = this.view(service);
    const [usage, edge] = await Promise.all([this.usage?.read(service), this.edge?.of(service)]);
    if (usage) view.resources = resourcesOf(view.resources.npus, usage);
    if (edge) view.call_description.edge = { ...edge, urls: [...edge.urls] };
    return view;
  }

  async list(ctx: ProjectRequestContext, query: ListServicesQuery): Promise<ServiceListResponse> {
    const [rows, total] = await this.services.list(
      ctx.projectId,
      { state: query.status, name: query.service_name },
      pageOf(query),
    );
    return { total, count: rows.length, services: rows.map((row) => this.view(row)) };
  }

  async events(
    ctx: ProjectRequestContext,
    serviceId: string,
    query: PageQuery,
  ): Promise<ServiceEventListResponse> {
    const service = await this.find(ctx, serviceId);
    const [rows, total] = await this.eventRows.list(service.id, pageOf(query));
    return {
      total,
      count: rows.length,
      events: rows.map((e) => ({
        event_id: e.eventId,
        version: e.version,
        reason: e.reason,
        message: e.message,
        from_state: e.fromState,
        to_state: e.toState,
        occurred_at: e.occurredAt.toISOString(),
      })),
    };
  }

  private async find(ctx: ProjectRequestContext, serviceId: string): Promise<ModelServiceEntity> {
    const service = await this.services.find(ctx.projectId, serviceId);
    if (!service) throw new ServiceNotFoundError(serviceId);
    return service;
  }
}
