import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { DomainError } from './domain-error.js';
import { toErrorResponse } from './error-response.js';

/**
 * The one global exception filter (register it with `{ provide: APP_FILTER, useClass:
 * MaasExceptionFilter }`): answers every failed HTTP request with the public error body and
 * logs unexpected errors, with their stack, server-side only.
 */
@Catch()
export class MaasExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const requestId = String(request.id);
    const { status, body, headers, unexpected } = toErrorResponse(exception, requestId);

    // The request id is bound to every log line of the request by the request logger.
    const log = { status, error_code: body.error_code };
    if (unexpected)
      this.logger.error({ msg: 'request failed unexpectedly', ...log, err: exception });
    else if (exception instanceof DomainError)
      this.logger.debug({ msg: 'request refused', ...log });

    if (reply.sent) return;
    void reply
      .status(status)
      .headers({ ...headers, 'x-request-id': requestId })
      .type('application/json; charset=utf-8')
      .send(body);
  }
}
