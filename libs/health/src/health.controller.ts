import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { type FastifyReply } from 'fastify';
import { DependencyChecks } from './dependency-checks.js';

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly checks: DependencyChecks,
  ) {}

  /** Liveness: the process answers HTTP. Calls no dependency, so it never flaps with them. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: the dependencies this replica needs to answer (its database, its projections)
   * answer within their timeout; 503 otherwise, and while shutting down.
   */
  @Get('ready')
  @HealthCheck()
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.run(this.checks.readiness(), reply);
  }

  /**
   * Every dependency with its details: 200 (`ok`, or `degraded` with the failures in
   * `details`) unless one readiness needs is down (503, as /health/ready).
   */
  @Get()
  @HealthCheck()
  details(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.run(this.checks.all(), reply);
  }

  private async run(
    indicators: HealthIndicatorFunction[],
    reply: FastifyReply,
  ): Promise<HealthCheckResult> {
    try {
      return await this.health.check(indicators);
    } catch (error) {
      // Terminus reports a failed check as a 503 exception carrying the result; answer
      // with that result rather than letting the error filter reshape it.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
