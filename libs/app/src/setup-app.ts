import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorBodyDto } from '@maas/errors';
import { Logger } from '@maas/observability';
import { installRequestHygiene, type RequestHygieneOptions } from './edge/request-hygiene.js';
import { serveDocsUi } from './openapi/docs-ui.js';
import { completeEdgeContract } from './openapi/edge-contract.js';
import { stateValidationLimits } from './openapi/validation-limits.js';

export interface OpenApiInfo {
  title: string;
  description: string;
  /**
   * The headers that carry credentials (e.g. X-Auth-Token, X-Operator-Token), each an
   * apiKey security scheme named like the header (the names routes use in @ApiSecurity).
   */
  apiKeyHeaders: readonly string[];
  /**
   * Changes to the scanned document that depend on the running configuration, e.g. a limit
   * the operator configures (decorators are fixed at import): the schema then states the
   * same maximum the rule enforces.
   */
  refine?: (document: OpenAPIObject) => void;
}

/**
 * Builds the OpenAPI document — scanned from the routes, then completed with what the edge
 * adds to every route (openapi/edge-contract.ts) and the limits the request validators
 * enforce (openapi/validation-limits.ts) — as JSON at /openapi.json, and its
 * reference UI at /docs from the service's own packages (openapi/docs-ui.ts).
 */
export function setupOpenApi(app: NestFastifyApplication, info: OpenApiInfo): void {
  const builder = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion('1');
  for (const header of info.apiKeyHeaders) {
    builder.addApiKey({ type: 'apiKey', in: 'header', name: header }, header);
  }
  const document = completeEdgeContract(
    SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorBodyDto] }),
  );
  stateValidationLimits(document);
  info.refine?.(document);
  SwaggerModule.setup('openapi', app, document, {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: '/openapi.json',
  });
  serveDocsUi(app.getHttpAdapter().getInstance(), {
    path: '/docs',
    documentUrl: '/openapi.json',
    title: info.title,
  });
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
