import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { apiReference } from '@scalar/nestjs-api-reference';
import { installRequestHygiene } from '@maas/app';
import { OPERATOR_SCHEME } from '@maas/auth';
import { Logger } from '@maas/observability';
import { AUTH_TOKEN_SCHEME } from './common/guarded.decorator.js';

/** Builds the OpenAPI document: JSON at /openapi.json, a reference UI at /docs. */
function setupOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MaaS Deployments API')
      .setDescription(
        'Model Square, dedicated resource pools, and model services with their lifecycle ' +
          '(deploy, start, stop, scale, QPS, upgrade, delete, events). Every route needs an IAM ' +
          'token in X-Auth-Token and names the IAM action it requires; the operator routes ' +
          '(/v1/operator/…) need X-Operator-Token instead.',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Auth-Token' }, AUTH_TOKEN_SCHEME)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Operator-Token' }, OPERATOR_SCHEME)
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
  // Input hygiene at the edge, as @maas/app's setupApp installs it for every other service.
  installRequestHygiene(app);
  setupOpenApi(app);
}
