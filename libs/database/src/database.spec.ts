import { describe, expect, it } from 'vitest';
import { QueryFailedError } from 'typeorm';
import { serviceDataSourceOptions } from './data-source.js';
import { isUniqueViolation } from './errors.js';
import { migrationLockName } from './run-migrations.js';
import { quoteIdent } from './schema.js';

const failed = (driverError: object) =>
  new QueryFailedError('INSERT …', [], Object.assign(new Error('x'), driverError));

describe('@maas/database', () => {
  it('quotes identifiers, doubling quotes', () => {
    expect(quoteIdent('iam')).toBe('"iam"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });

  it('tells a unique violation, optionally of one constraint', () => {
    const error = failed({ code: '23505', constraint: 'users_account_name_key' });
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, 'users_account_name_key')).toBe(true);
    expect(isUniqueViolation(error, 'other_key')).toBe(false);
    expect(isUniqueViolation(failed({ code: '23503' }))).toBe(false);
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
  });

  it('names one migration lock per schema', () => {
    expect(migrationLockName('iam')).toBe('maas:migrations:iam');
  });

  it("defines a service's DataSource: its schema, migrations run explicitly, never synchronized", () => {
    const config = { DATABASE_URL: 'postgres://u@127.0.0.1/maas', DB_SCHEMA: 'keys' };
    class Migration1 {}
    expect(serviceDataSourceOptions({ config, service: 'keys', migrations: [Migration1] })).toEqual(
      {
        type: 'postgres',
        url: config.DATABASE_URL,
        schema: 'keys',
        applicationName: 'maas-keys',
        entities: [],
        migrations: [Migration1],
        migrationsTableName: 'migrations',
        synchronize: false,
        migrationsRun: false,
      },
    );
    const pooled = serviceDataSourceOptions({ config, service: 'x', migrations: [], poolSize: 20 });
    expect(pooled.poolSize).toBe(20);
  });
});
