import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type DestinationStream } from 'pino';
import {
  ApiKeyHasher,
  KeyProjection,
  KeyProjectionConsumer,
  type KeyProjectionConsumerOptions,
} from '@maas/api-keys';
import { loadConfig } from '@maas/config';
import { IamClientWorld } from '@maas/service-testing';
import { loadStackEnv, quiet } from '@maas/testing';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { keysConfigSchema, type KeysConfig } from '../src/config.js';
import { KEYS_TOPIC } from '../src/events/keys-topic.js';

export {
  OTHER_REGION,
  type ProjectedAccount as TestAccount,
  type RawMessage,
  REGION,
  type Reply,
} from '@maas/service-testing';
export { quiet, withDb } from '@maas/testing';

export const stack = loadStackEnv();
export const PEPPER = 'test-pepper-of-the-keys-service-0123456789';

/**
 * One isolated keys service per test file: its own schema and topic prefix; IAM is played
 * by publishing the snapshots IAM would (ProjectChanged, UserPermissionsChanged) and by
 * signing tokens with a key the app trusts. Captures every log line the app writes.
 */
export class KeysWorld extends IamClientWorld {
  readonly config: KeysConfig;

  constructor(env: Record<string, string> = {}) {
    super('keys', KEYS_TOPIC);
    this.config = loadConfig(keysConfigSchema, {
      ...this.stackEnv(),
      IAM_JWKS_URL: 'http://127.0.0.1:9/unused-in-tests',
      API_KEY_PEPPER: PEPPER,
      ...env,
    });
  }

  private readonly projectors: KeyProjectionConsumer[] = [];

  /**
   * What a gateway sees of the keys: a KeyProjection fed from this world's maas.keys.v1 by a
   * KeyProjectionConsumer (not started yet; `close` stops it).
   */
  keyProjection(options: Pick<KeyProjectionConsumerOptions, 'idleCatchUpMs'> = {}) {
    const projection = new KeyProjection(new ApiKeyHasher(PEPPER));
    const consumer = new KeyProjectionConsumer({
      kafka: this.kafka,
      projection,
      topicPrefix: this.prefix,
      logger: quiet,
      ...options,
    });
    this.projectors.push(consumer);
    return { projection, consumer };
  }

  override async close(): Promise<void> {
    await Promise.allSettled(this.projectors.map((p) => p.stop()));
    await super.close();
  }

  protected appModule(logDestination: DestinationStream) {
    return AppModule.forRoot(this.config, { logDestination });
  }

  protected configure(app: NestFastifyApplication): void {
    configureApp(app);
  }
}
