import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type IncomingMessage } from 'node:http';
import { loggerOptions } from './logger.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './options.js';

/** Probes and scrapes are not worth a log line each. */
const QUIET_PATHS = /^\/(health\/|metrics(\?|$))/;

/** '/v1/' → every path under /v1/, for Nest's middleware exclusion (path-to-regexp 8). */
function excludedRoute(prefix: string): { path: string; method: RequestMethod } {
  const path = prefix.replace(/^\/+|\/+$/g, '');
  return { path: `${path}/{*splat}`, method: RequestMethod.ALL };
}

/**
 * Structured JSON logs with a request id per request (nestjs-pino; use it as the app
 * logger with `app.useLogger(app.get(Logger))`), and Prometheus metrics at GET /metrics.
 * Pair it with createFastifyAdapter(), which assigns the request ids.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const pinoHttp = {
      ...loggerOptions(options),
      // Logs made while handling a request carry just its id; the completion log carries
      // the request and response.
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'request_id' },
      autoLogging: {
        // Nest's middleware sees a path-stripped req.url; @fastify/middie keeps the original.
        ignore: (req: IncomingMessage & { originalUrl?: string }) =>
          QUIET_PATHS.test(req.originalUrl ?? req.url ?? ''),
      },
    };
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: options.destination ? [pinoHttp, options.destination] : pinoHttp,
          // nestjs-pino's default route, '{/*splat}', matches nothing under
          // @nestjs/platform-fastify 12.5: its middleware would never run.
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          exclude: (options.excludeRoutes ?? []).map(excludedRoute),
        }),
      ],
      providers: [{ provide: OBSERVABILITY_OPTIONS, useValue: options }, MetricsService],
      controllers: [MetricsController],
      exports: [MetricsService],
    };
  }
}
