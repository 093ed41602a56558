import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type DestinationStream } from 'pino';
import { loadConfig } from '@maas/config';
import { IamClientWorld, type Method, type Reply } from '@maas/service-testing';
import { loadStackEnv } from '@maas/testing';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { quotasConfigSchema, type QuotasConfig } from '../src/config.js';
import { QUOTAS_TOPIC } from '../src/events/quotas-topic.js';

export {
  OTHER_REGION,
  type ProjectedAccount as TestAccount,
  type RawMessage,
  REGION,
  type Reply,
} from '@maas/service-testing';
export { quiet, withDb } from '@maas/testing';

export const stack = loadStackEnv();
export const OPERATOR_TOKEN = 'operator-token-of-the-quotas-tests-0123';

/**
 * One isolated quotas service per test file: its own schema and topic prefix; IAM is played
 * by publishing the snapshots IAM would (ProjectChanged, UserPermissionsChanged) and by
 * signing tokens with a key the app trusts. Captures every log line the app writes.
 */
export class QuotasWorld extends IamClientWorld {
  readonly config: QuotasConfig;

  constructor(env: Record<string, string> = {}) {
    super('quotas', QUOTAS_TOPIC);
    this.config = loadConfig(quotasConfigSchema, {
      ...this.stackEnv(),
      IAM_JWKS_URL: 'http://127.0.0.1:9/unused-in-tests',
      OPERATOR_TOKEN,
      ...env,
    });
  }

  /** A request of the platform operator (X-Operator-Token), e.g. a quota override. */
  asOperator(method: Method, url: string, body?: unknown): Promise<Reply> {
    return this.request(method, url, { headers: { 'x-operator-token': OPERATOR_TOKEN }, body });
  }

  protected appModule(logDestination: DestinationStream) {
    return AppModule.forRoot(this.config, { logDestination });
  }

  protected configure(app: NestFastifyApplication): void {
    configureApp(app);
  }
}
