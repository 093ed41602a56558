import { Injectable } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { type SetQpsRequest } from '../dto/service-operations.request.js';
import { type ModelServiceEntity } from '../model-service.entity.js';
import { ServiceLifecycleStore } from '../service-lifecycle.store.js';

/**
 * Changes the QPS limit of a running (or alarm) service. No state change: the gateway
 * applies it at once from the ServiceQpsChanged / ServiceChanged events.
 */
@Injectable()
export class SetQps {
  constructor(private readonly store: ServiceLifecycleStore) {}

  async execute(
    ctx: ProjectRequestContext,
    serviceId: string,
    body: SetQpsRequest,
  ): Promise<ModelServiceEntity> {
    const outcome = await this.store.apply(
      { projectId: ctx.projectId, serviceId },
      { type: 'set_qps', qps: body.qps as number },
      ctx.requestId,
    );
    return outcome.service;
  }
}
