import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { apiReference } from '@scalar/nestjs-api-reference';
import { Logger } from '@maas/observability';

/** Builds the OpenAPI document: JSON at /openapi.json, a reference UI at /docs. */
function setupOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MaaS IAM API')
      .setDescription('Accounts, users, tokens and agencies of the MaaS control plane')
      .setVersion('1')
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
