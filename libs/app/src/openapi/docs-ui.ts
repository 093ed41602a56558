import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type FastifyInstance, type FastifyReply } from 'fastify';

/**
 * The API reference UI (Swagger UI) at /docs, served from the service's own installed
 * packages: swagger-ui-dist, the bundle @nestjs/swagger ships its UI with. Nothing is loaded
 * from a CDN or any other host (a cluster without internet access shows the page, and no
 * third party's script runs next to a signed-in tenant's token); the Content-Security-Policy
 * header holds the page to that.
 */

/** Where swagger-ui-dist is installed: resolved from @nestjs/swagger, whose dependency it is. */
function swaggerUiDistPath(): string {
  const fromSwagger = createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger'));
  return (fromSwagger('swagger-ui-dist/absolute-path.js') as () => string)();
}

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Swagger UI sets style attributes from its scripts.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function page(title: string, base: string): string {
  const escaped = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escaped}</title>
<link rel="stylesheet" href="${base}/swagger-ui.css">
<link rel="icon" type="image/png" href="${base}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/init.js"></script>
</body>
</html>
`;
}

function initScript(documentUrl: string): string {
  // validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
  const options = {
    url: documentUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
  };
  return `window.ui = SwaggerUIBundle(Object.assign(${JSON.stringify(options)}, {
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
}));
`;
}

function send(reply: FastifyReply, type: string, body: string | Buffer): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-cache')
    .send(body);
}

/** Serves the UI for the document at `documentUrl` under `path` (e.g. /docs). */
export function serveDocsUi(
  fastify: FastifyInstance,
  options: { path: string; documentUrl: string; title: string },
): void {
  const { path, documentUrl, title } = options;
  const html = page(title, path);
  const init = initScript(documentUrl);
  const cache = new Map<string, Buffer>();
  const asset = (name: string): Buffer => {
    let content = cache.get(name);
    if (!content) {
      content = readFileSync(join(swaggerUiDistPath(), name));
      cache.set(name, content);
    }
    return content;
  };
  fastify.get(path, (_request, reply) => send(reply, 'text/html; charset=utf-8', html));
  fastify.get(`${path}/init.js`, (_request, reply) =>
    send(reply, 'application/javascript; charset=utf-8', init),
  );
  for (const [name, type] of Object.entries(ASSETS)) {
    fastify.get(`${path}/${name}`, (_request, reply) => send(reply, type, asset(name)));
  }
}
