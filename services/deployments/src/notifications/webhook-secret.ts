import { randomBytes } from 'node:crypto';
import { Logger, type Provider } from '@nestjs/common';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';

/** The HMAC key of webhook signatures. */
export const WEBHOOK_SECRET = Symbol('WEBHOOK_SECRET');

export const webhookSecretProvider: Provider<string> = {
  provide: WEBHOOK_SECRET,
  inject: [DEPLOYMENTS_CONFIG],
  useFactory: (config: DeploymentsConfig) => {
    if (config.WEBHOOK_SIGNING_SECRET) return config.WEBHOOK_SIGNING_SECRET;
    new Logger('Notifications').warn({
      msg:
        'WEBHOOK_SIGNING_SECRET is not set: webhooks are signed with a random per-process key that ' +
        'receivers cannot know, and replicas differ. Set it in production.',
    });
    return randomBytes(32).toString('hex');
  },
};
