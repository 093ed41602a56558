import { Logger } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runMigrationsLocked } from '../run-migrations.js';
import { MigrateOnBoot, migrateOnBootProviders, PREPARE_DATABASE } from './database.module.js';

const dataSource = { options: { schema: 'keys' } } as unknown as DataSource;
const options = { type: 'postgres', url: 'postgres://u@127.0.0.1/db' } as const;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('DatabaseModule (migrations at boot)', () => {
  it('prepares the database at module init (before listen) and logs what ran', async () => {
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const prepare = vi.fn((_: DataSource) => Promise.resolve(['CreateKeys1']));
    await new MigrateOnBoot(dataSource, prepare).onModuleInit();
    expect(prepare).toHaveBeenCalledWith(dataSource);
    expect(log).toHaveBeenCalledWith({ msg: 'migrations up to date', ran: ['CreateKeys1'] });
  });

  it('fails the boot when the migrations fail', async () => {
    const prepare = () => Promise.reject(new Error('lock timeout'));
    await expect(new MigrateOnBoot(dataSource, prepare).onModuleInit()).rejects.toThrow(
      'lock timeout',
    );
  });

  it('migrates with runMigrationsLocked unless the service says otherwise', () => {
    const prepareOf = (providers: ReturnType<typeof migrateOnBootProviders>) =>
      providers.find(
        (p): p is { provide: symbol; useValue: unknown } =>
          typeof p === 'object' && 'provide' in p && p.provide === PREPARE_DATABASE,
      )?.useValue;
    const own = () => Promise.resolve([]);
    expect(prepareOf(migrateOnBootProviders({ dataSource: options, migrate: true }))).toBe(
      runMigrationsLocked,
    );
    expect(
      prepareOf(migrateOnBootProviders({ dataSource: options, migrate: true, prepare: own })),
    ).toBe(own);
    const off = migrateOnBootProviders({ dataSource: options, migrate: false, prepare: own });
    expect(off).toEqual([]);
  });
});
