import { Inject, Injectable } from '@nestjs/common';
import { pageOf } from '../../common/pagination.dto.js';
import { type RequestContext } from '../../common/request-context.js';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../../config.js';
import { ServiceEventsRepository } from '../../service-events/service-events.repository.js';
import { callDescription } from '../call-description.js';
import {
  type ServiceEventListResponse,
  type ServiceListResponse,
  ServiceResponse,
} from '../dto/service.response.js';
import { type ListServicesQuery } from '../dto/service-operations.request.js';
import { type ModelServiceEntity } from '../model-service.entity.js';
import { ServiceNotFoundError } from '../model-services.errors.js';
import { ModelServicesRepository } from '../model-services.repository.js';
import { type PageQuery } from '../../common/pagination.dto.js';

/** Reads: one service's details, the project's services, a service's events. */
@Injectable()
export class ReadServices {
  constructor(
    private readonly services: ModelServicesRepository,
    private readonly eventRows: ServiceEventsRepository,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  view(service: ModelServiceEntity): ServiceResponse {
    return ServiceResponse.from(
      service,
      callDescription(this.config.PUBLIC_BASE_URL, service),
      new Date(),
      this.config.AUTO_STOP_MINUTE_MS,
    );
  }

  async one(ctx: RequestContext, serviceId: string): Promise<ServiceResponse> {
    return this.view(await this.find(ctx, serviceId));
  }

  async list(ctx: RequestContext, query: ListServicesQuery): Promise<ServiceListResponse> {
    const [rows, total] = await this.services.list(
      ctx.projectId,
      { state: query.status, name: query.service_name },
      pageOf(query),
    );
    return { total, count: rows.length, services: rows.map((row) => this.view(row)) };
  }

  async events(
    ctx: RequestContext,
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

  private async find(ctx: RequestContext, serviceId: string): Promise<ModelServiceEntity> {
    const service = await this.services.find(ctx.projectId, serviceId);
    if (!service) throw new ServiceNotFoundError(serviceId);
    return service;
  }
}
