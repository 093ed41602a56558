import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { type FastifyReply } from 'fastify';
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  HEALTH_OPTIONS,
  HEALTH_PROBES,
  type HealthModuleOptions,
  type NamedProbe,
} from './probe.js';

@ApiExcludeController()
@Controller('health')
export class HealthController {
  private readonly timeoutMs: number;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_PROBES) private readonly probes: NamedProbe[],
    @Inject(HEALTH_OPTIONS) options: HealthModuleOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  }

  /** Liveness: the process answers HTTP. Calls no dependency, so it never flaps with them. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every configured dependency answers within its timeout; 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const attempts = this.probes.map(({ name, probe }) =>
      this.indicators
        .check(name)
        .attempt(({ signal }) => probe.ping(signal))
        .withTimeout(this.timeoutMs),
    );
    try {
      return await this.health.check(attempts);
    } catch (error) {
      // Terminus reports a failed check as a 503 exception carrying the result; answer
      // with that result rather than letting the error filter reshape it.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
