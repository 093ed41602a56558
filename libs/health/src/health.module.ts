import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DependencyChecks } from './dependency-checks.js';
import { HealthController } from './health.controller.js';
import {
  HEALTH_OPTIONS,
  HEALTH_PROBES,
  type HealthModuleOptions,
  type NamedProbe,
} from './probe.js';

/** Closes the probes' own connections (Redis, Kafka admin) when the application stops. */
@Injectable()
class ProbeCloser implements OnApplicationShutdown {
  constructor(@Inject(HEALTH_PROBES) private readonly probes: NamedProbe[]) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.probes.map(({ probe }) => probe.close?.() ?? Promise.resolve()));
  }
}

/**
 * GET /health/live (cheap, no dependency calls), GET /health/ready (the checks readiness
 * needs, each bounded by a timeout; 503 when one is down or the app is shutting down), GET
 * /health (every check: 200 and `degraded` while only dependencies readiness does not need
 * are down) and the gauge `maas_dependency_up` on the service's /metrics.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    const { checks } = options;
    return {
      module: HealthModule,
      imports: [
        TerminusModule.forRoot({
          errorLogStyle: 'json',
          gracefulShutdownTimeoutMs: options.shutdownDelayMs ?? 0,
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_OPTIONS, useValue: options },
        {
          provide: HEALTH_PROBES,
          inject: checks.flatMap((check) => check.inject ?? []),
          useFactory: (...deps: unknown[]): NamedProbe[] => {
            let next = 0;
            return checks.map((check) => {
              const count = check.inject?.length ?? 0;
              const probe = check.create(...deps.slice(next, next + count));
              next += count;
              return { name: check.name, probe, readiness: check.readiness ?? true };
            });
          },
        },
        DependencyChecks,
        ProbeCloser,
      ],
    };
  }
}
