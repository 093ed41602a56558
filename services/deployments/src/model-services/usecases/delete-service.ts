import { Injectable } from '@nestjs/common';
import { type ProjectRequestContext } from '@maas/auth';
import { type ModelServiceEntity } from '../model-service.entity.js';
import { ServiceLifecycleStore } from '../service-lifecycle.store.js';

/**
 * Deletes a service (`{"confirm": "DELETE"}`, any state): it goes to `deleting`; the
 * reconciler removes its Kubernetes objects and then reports `deleted`, which removes the
 * row. Deleting a service already deleting changes nothing.
 */
@Injectable()
export class DeleteService {
  constructor(private readonly store: ServiceLifecycleStore) {}

  async execute(
    ctx: ProjectRequestContext,
    serviceId: string,
    confirm: unknown,
  ): Promise<ModelServiceEntity> {
    const outcome = await this.store.apply(
      { projectId: ctx.projectId, serviceId },
      { type: 'delete', ...(confirm === undefined ? {} : { confirm: confirm as string }) },
      ctx.requestId,
    );
    return outcome.service;
  }
}
