import { type DynamicModule, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from '@maas/database';
import { type DatabaseConfig } from '../config.js';
import { dataSourceOptions } from './data-source.js';

/** Runs pending migrations before the server listens (replicas queue on an advisory lock). */
@Injectable()
class MigrateOnBoot implements OnModuleInit {
  private readonly logger = new Logger('Migrations');

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const ran = await runMigrationsLocked(this.dataSource);
    this.logger.log({ msg: 'migrations up to date', ran });
  }
}

@Module({})
export class DatabaseModule {
  static forRoot(config: DatabaseConfig, options: { migrate: boolean }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config),
          retryAttempts: 5,
          retryDelay: 2_000,
        }),
      ],
      providers: options.migrate ? [MigrateOnBoot] : [],
    };
  }
}
