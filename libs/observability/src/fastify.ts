import { FastifyAdapter } from '@nestjs/platform-fastify';
import { type FastifyServerOptions } from 'fastify';
import { frameworkErrorOptions } from './framework-errors.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';

/**
 * The Fastify adapter every service uses.
 *
 * - The request id (Fastify's `request.id`, which logs, errors and metrics all read) comes
 *   from a sane x-request-id or a new UUID, and is echoed in the x-request-id response
 *   header of every answer, 404s included.
 * - Graceful close: Fastify stops accepting and lets in-flight requests finish, but a
 *   keep-alive connection that falls idle afterwards would hold `close()` open until the
 *   client drops it. Responses sent once closing has begun say `Connection: close`, so
 *   each connection ends with its last response.
 * - Fastify's own errors (bad URL, a path parameter too long, headers too large) answer in
 *   our error body without echoing the request (framework-errors.ts).
 */
export function createFastifyAdapter(options: FastifyServerOptions = {}): FastifyAdapter {
  const adapter = new FastifyAdapter({
    genReqId: requestIdFor,
    ...frameworkErrorOptions(),
    ...options,
  });
  const fastify = adapter.getInstance();
  let closing = false;
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (closing && request.raw.httpVersionMajor < 2) void reply.header('connection', 'close');
    done(null, payload);
  });
  return adapter;
}
