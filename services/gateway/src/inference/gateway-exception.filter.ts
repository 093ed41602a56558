import { type ArgumentsHost, Catch, NotFoundException } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { platformError } from '../errors/gateway-error.js';
import { MaasExceptionFilter } from '@maas/errors';
import { apiNotFound, errorPayload } from '../errors/answers.js';

/**
 * The gateway's global exception filter: a path no route matches is API Gateway's 404
 * APIG.0101 (seed 002 Table 4-19) with a request id; a body Fastify refuses before the
 * pipeline sees it (too large, broken framing) on an inference path is 81001 "Invalid request
 * body."; everything else (health, metrics) is the platform's usual error body.
 */
@Catch()
export class GatewayExceptionFilter extends MaasExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http') {
      const http = host.switchToHttp();
      const request = http.getRequest<FastifyRequest>();
      const reply = http.getResponse<FastifyReply>();
      const matched = request.routeOptions?.url !== undefined;
      if (!matched && exception instanceof NotFoundException) {
        this.send(reply, request, 404, errorPayload(apiNotFound(), String(request.id)));
        return;
      }
      const status = (exception as { statusCode?: unknown } | undefined)?.statusCode;
      const inference =
        /^\/(v1|api\/v2)\//.test(request.url) && !request.url.startsWith('/v1/health');
      if (inference && typeof status === 'number' && status >= 400 && status < 500) {
        const error = platformError(status, 'ModelArts.81001', 'Invalid request body.');
        this.send(reply, request, status, errorPayload(error, String(request.id)));
        return;
      }
    }
    super.catch(exception, host);
  }

  private send(reply: FastifyReply, request: FastifyRequest, status: number, body: string): void {
    if (reply.sent) return;
    void reply
      .status(status)
      .header('x-request-id', String(request.id))
      .type('application/json')
      .send(body);
  }
}
