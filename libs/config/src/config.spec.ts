import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  brokerList,
  ConfigError,
  describeConfig,
  loadConfig,
  loadConfigOrExit,
  logLevel,
  port,
  postgresUrl,
  redactUrl,
  secret,
  str,
} from './index.js';

const schema = {
  PORT: port({ default: 3000 }),
  DATABASE_URL: postgresUrl(),
  KAFKA_BROKERS: brokerList(),
  LOG_LEVEL: logLevel({ default: 'info' }),
  SIGNING_KEY: secret(str({ default: undefined })),
};

const good = {
  PORT: '8080',
  DATABASE_URL: 'postgres://maas:db-pass-123@127.0.0.1:5432/maas',
  KAFKA_BROKERS: '127.0.0.1:9092, kafka-1.local:9093',
  SIGNING_KEY: 'super-secret-signing-key',
};

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns a typed, frozen configuration with defaults applied', () => {
    const config = loadConfig(schema, good);
    expect(config).toEqual({
      PORT: 8080,
      DATABASE_URL: good.DATABASE_URL,
      KAFKA_BROKERS: ['127.0.0.1:9092', 'kafka-1.local:9093'],
      LOG_LEVEL: 'info',
      SIGNING_KEY: good.SIGNING_KEY,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
  });

  it('rejects a bad variable with a message naming it', () => {
    const error = errorOf(() => loadConfig(schema, { ...good, PORT: 'abc' }));
    expect(error.problems.map((p) => p.name)).toEqual(['PORT']);
    expect(error.message).toMatch(/PORT: is invalid/);
  });

  it('names every missing required variable', () => {
    const error = errorOf(() => loadConfig(schema, { PORT: '1' }));
    expect(error.message).toMatch(/DATABASE_URL: is required but not set/);
    expect(error.message).toMatch(/KAFKA_BROKERS: is required but not set/);
    expect(error.problems).toHaveLength(2);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig(schema, { ...good, PORT: '' }).PORT).toBe(3000);
    expect(errorOf(() => loadConfig(schema, { ...good, DATABASE_URL: ' ' })).message).toMatch(
      /DATABASE_URL: is required/,
    );
  });

  it('validates the shared validators', () => {
    const error = errorOf(() =>
      loadConfig(schema, {
        ...good,
        DATABASE_URL: 'mysql://u:pw-in-url@h/db',
        KAFKA_BROKERS: '127.0.0.1:9092,nohostport',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(error.problems.map((p) => p.name)).toEqual([
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'LOG_LEVEL',
    ]);
    expect(error.message).toMatch(/DATABASE_URL: is invalid: must start with postgres:\/\//);
    expect(error.message).toMatch(/KAFKA_BROKERS: is invalid: entry 2 is not host:port/);
    expect(error.message).toMatch(/LOG_LEVEL: is invalid: must be one of fatal, error/);
    expect(error.message).not.toContain('pw-in-url');
  });

  it('never shows a secret value in the error', () => {
    const strict = { KEY: secret(str({ choices: ['a', 'b'] })) };
    const error = errorOf(() => loadConfig(strict, { KEY: 'leaky-secret-value' }));
    expect(error.message).toMatch(/KEY: is invalid \(secret/);
    expect(error.message).not.toContain('leaky-secret-value');
  });
});

describe('describeConfig', () => {
  it('redacts secrets and passwords in URLs', () => {
    const description = describeConfig(loadConfig(schema, good));
    const text = JSON.stringify(description);
    expect(description.SIGNING_KEY).toBe('[redacted]');
    expect(description.DATABASE_URL).toBe('postgres://maas:[redacted]@127.0.0.1:5432/maas');
    expect(description.PORT).toBe(8080);
    expect(text).not.toContain(good.SIGNING_KEY);
    expect(text).not.toContain('db-pass-123');
  });

  it('leaves an unset secret unset and URLs without a password alone', () => {
    const description = describeConfig(loadConfig(schema, { ...good, SIGNING_KEY: undefined }));
    expect(description.SIGNING_KEY).toBeUndefined();
    expect(redactUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
  });
});

describe('loadConfigOrExit', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints the problems on stderr and exits 1', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => loadConfigOrExit(schema, { ...good, PORT: 'abc' })).toThrow('exit 1');
    expect(exit).toHaveBeenCalledWith(1);
    const printed = stderr.mock.calls.map(([chunk]) => String(chunk)).join('');
    expect(printed).toMatch(/PORT: is invalid/);
    expect(printed).not.toContain(good.SIGNING_KEY);
  });

  it('returns the configuration when it is valid', () => {
    expect(loadConfigOrExit(schema, good).PORT).toBe(8080);
  });
});
