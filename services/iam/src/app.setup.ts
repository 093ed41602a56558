import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { setupApp } from '@maas/app';
import { AUTH_TOKEN_SCHEME, OPERATOR_SCHEME } from '@maas/auth';

/** What main.ts and the tests both do to an application before it starts. */
export function configureApp(app: NestFastifyApplication): void {
  setupApp(app, {
    title: 'MaaS IAM API',
    description:
      'Accounts, projects, users, groups, policies, tokens, agencies and ModelArts ' +
      'authorizations of the MaaS control plane. Admin routes need a token from ' +
      'POST /v3/auth/tokens in X-Auth-Token; each names the IAM action it requires.',
    apiKeyHeaders: [AUTH_TOKEN_SCHEME, OPERATOR_SCHEME],
  });
}
