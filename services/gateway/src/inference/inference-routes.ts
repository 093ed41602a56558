import {
  type HTTPMethods,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { type ChatRoute } from './call-context.js';
import { type ChatPipeline } from './chat-pipeline.js';
import { METHOD_NOT_ALLOWED_BODY } from '../errors/answers.js';
import { type ModelsListing } from './models-listing.js';

/** Largest request body accepted (multimodal messages carry base64 images). */
const BODY_LIMIT = 16 * 1024 * 1024;

const OTHER_THAN_POST: HTTPMethods[] = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
// HEAD of a GET route is Fastify's own (exposeHeadRoutes).
const OTHER_THAN_GET: HTTPMethods[] = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

type Params = Record<string, string>;

function methodNotAllowed(allow: string) {
  return (_request: FastifyRequest, reply: FastifyReply) =>
    reply.code(405).header('allow', allow).type('application/json').send(METHOD_NOT_ALLOWED_BODY);
}

/**
 * Registers the inference API (SPEC §8) as plain Fastify routes — no Nest controller, pipe or
 * interceptor on the hot path — in a scope of their own whose body parser hands the raw bytes
 * to the pipeline (the validation answers `json_invalid` with the byte offset as vLLM does, so
 * the body must not be parsed before). Every other method on these paths answers 405
 * `{"detail":"Method Not Allowed"}` (seed 002 Table 4-19); unknown paths fall through to
 * the 404 APIG.0101 handler.
 */
export function registerInferenceRoutes(
  fastify: FastifyInstance,
  chat: ChatPipeline,
  models: ModelsListing,
): void {
  void fastify.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
      (_request, body, next) => next(null, body),
    );
    const post = (url: string, route: (params: Params) => ChatRoute) => {
      scope.post(url, (request, reply) => {
        void chat.handle(request, reply, route(request.params as Params));
        return reply;
      });
      scope.route({ method: OTHER_THAN_POST, url, handler: methodNotAllowed('POST') });
    };
    const get = (url: string, serviceOf: (params: Params) => string | undefined) => {
      scope.get(url, (request, reply) => {
        void models.list(request, reply, serviceOf(request.params as Params));
        return reply;
      });
      scope.route({ method: OTHER_THAN_GET, url, handler: methodNotAllowed('GET') });
    };

    post('/v1/chat/completions', () => ({ kind: 'region' }));
    post('/api/v2/chat/completions', () => ({ kind: 'v2' }));
    post('/v1/infers/:service_id/v1/chat/completions', (p) => ({
      kind: 'service',
      serviceId: p.service_id,
    }));
    post('/v1/:project_id/deployments/:deployment_id/chat/completions', (p) => ({
      kind: 'v1',
      projectId: p.project_id,
      serviceId: p.deployment_id,
    }));
    get('/v1/models', () => undefined);
    get('/v1/infers/:service_id/v1/models', (p) => p.service_id);
    done();
  });
}
