import { type InjectionToken } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { type Probe, type ReadinessCheck } from '../probe.js';

export interface PostgresCheckOptions {
  name?: string;
  /** Whether readiness needs this database (default true: a service's own database). */
  readiness?: boolean;
  /** The TypeORM DataSource to use (default: the application's default one). */
  dataSource?: InjectionToken;
}

class PostgresProbe implements Probe {
  constructor(private readonly dataSource: DataSource) {}

  async ping(): Promise<void> {
    if (!this.dataSource.isInitialized) throw new Error('DataSource not initialized');
    await this.dataSource.query('SELECT 1');
  }
}

/** PostgreSQL: `SELECT 1` through the application's TypeORM DataSource (its pool). */
export function postgresCheck(options: PostgresCheckOptions = {}): ReadinessCheck {
  return {
    name: options.name ?? 'database',
    readiness: options.readiness ?? true,
    inject: [options.dataSource ?? getDataSourceToken()],
    create: (dataSource) => new PostgresProbe(dataSource as DataSource),
  };
}
