import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { apiReference } from '@scalar/nestjs-api-reference';
import { Logger } from '@maas/observability';
import { installRequestHygiene, type RequestHygieneOptions } from './edge/request-hygiene.js';

export interface OpenApiInfo {
  title: string;
  description: string;
  /**
   * The headers that carry credentials (e.g. X-Auth-Token, X-Operator-Token), each an
   * apiKey security scheme named like the header (the names routes use in @ApiSecurity).
   */
  apiKeyHeaders: readonly string[];
}

/** Builds the OpenAPI document: JSON at /openapi.json, a reference UI at /docs. */
export function setupOpenApi(app: NestFastifyApplication, info: OpenApiInfo): void {
  const builder = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion('1');
  for (const header of info.apiKeyHeaders) {
    builder.addApiKey({ type: 'apiKey', in: 'header', name: header }, header);
  }
  const document = SwaggerModule.createDocument(app, builder.build());
  SwaggerModule.setup('openapi', app, document, {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: '/openapi.json',
  });
  app.use('/docs', apiReference({ content: document, withFastify: true }));
}

/**
 * What main.ts and the tests both do to an application before it starts: the app logger
 * (pino, from ObservabilityModule), input hygiene at the edge (edge/request-hygiene.ts) and
 * the OpenAPI document.
 */
export function setupApp(
  app: NestFastifyApplication,
  info: OpenApiInfo,
  hygiene: RequestHygieneOptions = {},
): void {
  app.useLogger(app.get(Logger));
  installRequestHygiene(app, hygiene);
  setupOpenApi(app, info);
}
