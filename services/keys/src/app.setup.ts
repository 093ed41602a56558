import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type OpenAPIObject, type SchemaObject } from '@nestjs/swagger';
import { setupApp } from '@maas/app';
import { AUTH_TOKEN_SCHEME, OPERATOR_SCHEME } from '@maas/auth';
import { KEYS_CONFIG, type KeysConfig } from './config.js';

/**
 * The rotation grace period's maximum in the document is the configured one, which the
 * rotate use case enforces (one maximum per rule, not the DTO's static ceiling).
 */
function stateGraceMaximum(document: OpenAPIObject, maximum: number): void {
  const schema = document.components?.schemas?.RotateApiKeyRequest as SchemaObject | undefined;
  const grace = schema?.properties?.grace_period_seconds as SchemaObject | undefined;
  if (grace) grace.maximum = maximum;
}

/** What main.ts and the tests both do to an application before it starts. */
export function configureApp(app: NestFastifyApplication): void {
  const config = app.get<KeysConfig>(KEYS_CONFIG);
  setupApp(app, {
    title: 'MaaS API keys',
    description:
      'API keys and application access of the MaaS control plane (SPEC §6): create (the ' +
      'secret is shown once), list, show, rotate with a grace period, delete. Routes need ' +
      'an IAM token in X-Auth-Token; each names the action it requires. Freezing a key is ' +
      "the platform operator's, with X-Operator-Token.",
    apiKeyHeaders: [AUTH_TOKEN_SCHEME, OPERATOR_SCHEME],
    refine: (document) => stateGraceMaximum(document, config.MAX_GRACE_PERIOD_SECONDS),
  });
}
