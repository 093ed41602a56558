import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { setupApp } from '@maas/app';
import { AUTH_TOKEN_SCHEME, OPERATOR_SCHEME } from '@maas/auth';

/** What main.ts and the tests both do to an application before it starts. */
export function configureApp(app: NestFastifyApplication): void {
  setupApp(app, {
    title: 'MaaS API keys',
    description:
      'API keys and application access of the MaaS control plane (SPEC §6): create (the ' +
      'secret is shown once), list, show, rotate with a grace period, delete. Routes need ' +
      'an IAM token in X-Auth-Token; each names the action it requires. Freezing a key is ' +
      "the platform operator's, with X-Operator-Token.",
    apiKeyHeaders: [AUTH_TOKEN_SCHEME, OPERATOR_SCHEME],
  });
}
