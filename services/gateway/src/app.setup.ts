import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from '@maas/observability';
import { setupOpenApi } from '@maas/app';

/**
 * What main.ts and the tests both do to an application before it starts: the app logger and
 * the OpenAPI document. Not the admin services' request hygiene (setupApp): the inference
 * routes answer a bad body the way vLLM does (seed 002 Table 4-19, validation/), and the
 * gateway's own 404/405 bodies are the seed's.
 */
export function configureApp(app: NestFastifyApplication): void {
  app.useLogger(app.get(Logger));
  setupOpenApi(app, {
    title: 'MaaS inference gateway',
    description:
      'The OpenAI-compatible data plane (SPEC §8): POST /v1/chat/completions, GET /v1/models, ' +
      'POST /v1/infers/{service_id}/v1/chat/completions, GET /v1/infers/{service_id}/v1/models ' +
      '(Authorization: Bearer <API key>), V1 POST /v1/{project_id}/deployments/{deployment_id}' +
      '/chat/completions (X-Auth-Token or X-Apig-AppCode) and V2 POST /api/v2/chat/completions. ' +
      'Those routes are plain Fastify routes (see the service README); this document lists ' +
      'the operational endpoints.',
    apiKeyHeaders: [],
  });
}
