import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { setupApp } from '@maas/app';
import { AUTH_TOKEN_SCHEME, OPERATOR_SCHEME } from '@maas/auth';

/**
 * What main.ts and the tests both do to an application before it starts: @maas/app's
 * setupApp (logger, input hygiene at the edge, the OpenAPI document completed into a
 * contract, the reference UI at /docs), as every other service.
 */
export function configureApp(app: NestFastifyApplication): void {
  setupApp(app, {
    title: 'MaaS Deployments API',
    description:
      'Model Square, dedicated resource pools, and model services with their lifecycle ' +
      '(deploy, start, stop, scale, QPS, upgrade, delete, events). Every route needs an IAM ' +
      'token in X-Auth-Token and names the IAM action it requires; the operator routes ' +
      '(/v1/operator/…) need X-Operator-Token instead.',
    apiKeyHeaders: [AUTH_TOKEN_SCHEME, OPERATOR_SCHEME],
  });
}
