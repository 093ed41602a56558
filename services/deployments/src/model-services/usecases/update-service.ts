import { Injectable } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { checkDescription } from '../../validation/description.rule.js';
import { type UpdateServiceRequest } from '../dto/service-operations.request.js';
import { type ModelServiceEntity } from '../model-service.entity.js';
import { InvalidServiceUpdateError, ServiceNotFoundError } from '../model-services.errors.js';
import { ModelServicesRepository } from '../model-services.repository.js';
import { ServiceLifecycleStore } from '../service-lifecycle.store.js';

/**
 * `PUT /v1/{project_id}/services/{service_id}` as in ModelArts: `{"status": "running"}`
 * starts, `{"status": "stopped"}` stops (through the state machine); or a new
 * `description`. A status change cannot be combined with other changes. A start beyond the
 * project's pool_npus quota (SPEC §7) is refused up front.
 */
@Injectable()
export class UpdateService {
  constructor(
    private readonly services: ModelServicesRepository,
    private readonly store: ServiceLifecycleStore,
  ) {}

  async execute(
    ctx: ProjectRequestContext,
    serviceId: string,
    body: UpdateServiceRequest,
  ): Promise<ModelServiceEntity> {
    const hasStatus = body.status !== undefined;
    const hasDescription = body.description !== undefined;
    if (hasStatus && hasDescription)
      throw new InvalidServiceUpdateError({
        field: 'status',
        problem: 'cannot be changed together with other fields; send them in separate calls',
      });
    if (hasStatus) return this.changeStatus(ctx, serviceId, body.status);
    if (hasDescription) return this.describe(ctx, serviceId, body.description);
    throw new InvalidServiceUpdateError({
      field: 'status',
      problem: 'or description is required',
    });
  }

  private async changeStatus(
    ctx: ProjectRequestContext,
    serviceId: string,
    status: unknown,
  ): Promise<ModelServiceEntity> {
    if (status !== 'running' && status !== 'stopped')
      throw new InvalidServiceUpdateError({
        field: 'status',
        problem: 'must be "running" (start) or "stopped" (stop)',
      });
    const command =
      status === 'running' ? ({ type: 'start' } as const) : ({ type: 'stop' } as const);
    const outcome = await this.store.apply(
      { projectId: ctx.projectId, serviceId },
      command,
      ctx.requestId,
    );
    return outcome.service;
  }

  private async describe(
    ctx: ProjectRequestContext,
    serviceId: string,
    description: unknown,
  ): Promise<ModelServiceEntity> {
    const checked = checkDescription(description);
    if (checked.problems.length > 0) throw new InvalidServiceUpdateError(checked.problems[0]);
    const service = await this.services.find(ctx.projectId, serviceId);
    if (!service) throw new ServiceNotFoundError(serviceId);
    await this.services.updateDescription(service.id, checked.value ?? '');
    return (await this.services.find(ctx.projectId, serviceId)) ?? service;
  }
}
