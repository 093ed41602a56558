import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { apiReference } from '@scalar/nestjs-api-reference';
import { Logger } from '@maas/observability';
import { AUTH_TOKEN_SCHEME } from './common/guarded.decorator.js';

/** Builds the OpenAPI document: JSON at /openapi.json, a reference UI at /docs. */
function setupOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MaaS API keys')
      .setDescription(
        'API keys and application access of the MaaS control plane (SPEC §6): create (the ' +
          'secret is shown once), list, show, rotate with a grace period, delete. Routes need ' +
          'an IAM token in X-Auth-Token; each names the action it requires.',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' }, AUTH_TOKEN_SCHEME)
      .build(),
  );
  SwaggerModule.setup('openapi', app, document, {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: '/openapi.json',
  });
  app.use('/docs', apiReference({ content: document, withFastify: true }));
}

/** What main.ts and the tests both do to an application before it starts. */
export function configureApp(app: NestFastifyApplication): void {
  app.useLogger(app.get(Logger));
  setupOpenApi(app);
}
