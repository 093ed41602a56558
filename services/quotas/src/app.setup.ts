import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { setupApp } from '@maas/app';
import { AUTH_TOKEN_SCHEME, OPERATOR_SCHEME } from '@maas/auth';

/** What main.ts and the tests both do to an application before it starts. */
export function configureApp(app: NestFastifyApplication): void {
  setupApp(app, {
    title: 'MaaS quotas, rate limits and usage',
    description:
      'Quotas (API keys and agencies per account, NPUs per pool, free tokens per preset model), ' +
      'rate-limit policies (RPM/TPM per key and model; QPS per service from the deployments ' +
      'service) and the usage ledger of the MaaS control plane (SPEC §7). Routes need an IAM ' +
      'token in X-Auth-Token and name the action they require; quota overrides are the ' +
      "platform operator's, with X-Operator-Token.",
    apiKeyHeaders: [AUTH_TOKEN_SCHEME, OPERATOR_SCHEME],
  });
}
