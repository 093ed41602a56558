import { FastifyAdapter } from '@nestjs/platform-fastify';
import { type FastifyServerOptions } from 'fastify';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';

/**
 * The Fastify adapter every service uses: the request id (Fastify's `request.id`, which
 * logs, errors and metrics all read) comes from a sane x-request-id or a new UUID, and is
 * echoed in the x-request-id response header of every answer, 404s included.
 */
export function createFastifyAdapter(options: FastifyServerOptions = {}): FastifyAdapter {
  const adapter = new FastifyAdapter({ genReqId: requestIdFor, ...options });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  return adapter;
}
