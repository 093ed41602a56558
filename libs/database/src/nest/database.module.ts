import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { type PrepareDatabase, runMigrationsLocked } from '../run-migrations.js';

export interface DatabaseModuleOptions {
  /** The service's DataSource definition (see serviceDataSourceOptions). */
  dataSource: DataSourceOptions;
  /** Run pending migrations at boot, before the server listens (MIGRATIONS_RUN). */
  migrate: boolean;
  /**
   * What bringing the schema up to date means for this service, when it is more than the
   * migrations (e.g. migrations, then reference data). Default: runMigrationsLocked.
   */
  prepare?: PrepareDatabase;
}

export const PREPARE_DATABASE = Symbol('PREPARE_DATABASE');

/**
 * Runs the pending migrations (under the advisory lock, so replicas that boot together take
 * turns) during module init, that is before the server listens.
 */
@Injectable()
export class MigrateOnBoot implements OnModuleInit {
  private readonly logger = new Logger('Migrations');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PREPARE_DATABASE) private readonly prepare: PrepareDatabase,
  ) {}

  async onModuleInit(): Promise<void> {
    const ran = await this.prepare(this.dataSource);
    this.logger.log({ msg: 'migrations up to date', ran });
  }
}

/** The providers that run the migrations at boot, when the service wants them to. */
export function migrateOnBootProviders(options: DatabaseModuleOptions): Provider[] {
  if (!options.migrate) return [];
  const prepare = options.prepare ?? runMigrationsLocked;
  return [{ provide: PREPARE_DATABASE, useValue: prepare }, MigrateOnBoot];
}

/**
 * The service's TypeORM connection (retried while PostgreSQL is not reachable yet) and, with
 * `migrate`, its migrations at boot. The DataSource is then injectable everywhere.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({ ...options.dataSource, retryAttempts: 5, retryDelay: 2_000 }),
      ],
      providers: migrateOnBootProviders(options),
    };
  }
}
