import { Writable } from 'node:stream';
import { Body, Controller, Get, Inject, Module, Post } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsString } from 'class-validator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { port, host, postgresUrl, sqlIdentifier, logLevel, str } from '@maas/config';
import { DomainError } from '@maas/errors';
import { ObservabilityModule } from '@maas/observability';
import {
  type AppOptions,
  bootstrapService,
  errorHandlingProviders,
  runMigrateCommand,
  ServiceConfigModule,
  setupApp,
  startService,
} from './index.js';

const SETTINGS = Symbol('SETTINGS');

class EchoRequest {
  @IsString()
  text!: string;
}

@Controller('probe')
class ProbeController {
  constructor(@Inject(SETTINGS) private readonly settings: { GREETING: string }) {}

  @Get()
  greet() {
    return { greeting: this.settings.GREETING };
  }

  @Get('missing')
  missing(): never {
    throw new DomainError('PROBE.0001', 'not_found', 'No such thing');
  }

  @Post()
  echo(@Body() body: EchoRequest) {
    return body;
  }
}

const schema = { PORT: port({ default: 0 }), HOST: host({ default: '127.0.0.1' }) };

function appModule(options: AppOptions) {
  @Module({
    imports: [
      ServiceConfigModule.forRoot(SETTINGS, { GREETING: 'hello' }),
      ObservabilityModule.forRoot({ service: 'probe', destination: options.logDestination }),
    ],
    controllers: [ProbeController],
    providers: errorHandlingProviders(),
  })
  class ProbeAppModule {}
  return { module: ProbeAppModule };
}

const openApi = {
  title: 'Probe API',
  description: 'A probe.',
  apiKeyHeaders: ['X-Auth-Token', 'X-Operator-Token'],
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('startService', () => {
  it('validates (renamed settings too), configures, listens, and serves the config, errors, OpenAPI and /docs', async () => {
    const lines: string[] = [];
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    let app: NestFastifyApplication | undefined;
    const env = { ...process.env };
    // The schema's defaults apply: any free port on 127.0.0.1.
    delete process.env.PORT;
    delete process.env.HOST;
    try {
      process.env.OLD_GREETING = 'hi';
      let greeting: string | undefined;
      app = await startService({
        name: 'probe',
        schema: { ...schema, GREETING: str({ default: 'hello' }) },
        module: (config) => {
          greeting = config.GREETING;
          return appModule({ logDestination });
        },
        configure: (created) => setupApp(created, openApi),
        deprecatedSettings: { OLD_GREETING: 'GREETING' },
      });
      // A renamed setting is still read under its old name, with a warning.
      expect(greeting).toBe('hi');
      const url = await app.getUrl();
      expect(await (await fetch(`${url}/probe`)).json()).toEqual({ greeting: 'hello' });
      const missing = await fetch(`${url}/probe/missing`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error_code: 'PROBE.0001' });
      const invalid = await fetch(`${url}/probe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 42 }),
      });
      expect(invalid.status).toBe(400);
      const document = (await (await fetch(`${url}/openapi.json`)).json()) as {
        info: { title: string };
        components: { securitySchemes: Record<string, unknown> };
      };
      expect(document.info.title).toBe('Probe API');
      expect(document.components.securitySchemes).toEqual({
        'X-Auth-Token': { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
        'X-Operator-Token': { type: 'apiKey', in: 'header', name: 'X-Operator-Token' },
      });
      expect((await fetch(`${url}/docs`)).status).toBe(200);
      expect(lines.join('')).toContain('probe listening');
      const logged = lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg?: string; settings?: string[] });
      expect(logged.find((l) => l.msg === 'deprecated settings: rename them')?.settings).toEqual([
        'OLD_GREETING (now GREETING)',
      ]);
    } finally {
      await app?.close();
      process.env = env;
    }
  });
});

describe('bootstrapService and runMigrateCommand', () => {
  /** process.exit, mocked to resolve a promise instead of exiting. */
  function mockExit() {
    let exited: (code: unknown) => void = () => undefined;
    const exit = new Promise<unknown>((resolve) => (exited = resolve));
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      exited(code);
      return undefined as never;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const printed = () => stderr.mock.calls.map(([chunk]) => String(chunk)).join('');
    return { exit, printed };
  }

  it('report a failed start on stderr and exit 1', async () => {
    const { exit, printed } = mockExit();
    bootstrapService({
      name: 'probe',
      schema,
      module: () => {
        throw new Error('no module today');
      },
      configure: () => undefined,
    });
    expect(await exit).toBe(1);
    expect(printed()).toMatch(/^probe failed to start: Error: no module today/);
  });

  it('mask a credential inside a URL of the start-up error', async () => {
    const { exit, printed } = mockExit();
    bootstrapService({
      name: 'probe',
      schema,
      module: () => {
        throw new Error('connect postgres://maas:pg-s3cret@db:5432/maas failed');
      },
      configure: () => undefined,
    });
    expect(await exit).toBe(1);
    expect(printed()).toContain('postgres://maas:[redacted]@db:5432/maas');
    expect(printed()).not.toContain('pg-s3cret');
  });

  it('report a failed migration on stderr and exit 1', async () => {
    const { exit, printed } = mockExit();
    const env = { ...process.env };
    process.env.DATABASE_URL = 'postgres://u:pw-not-shown@127.0.0.1:1/none';
    try {
      runMigrateCommand({
        service: 'probe',
        schema: {
          DATABASE_URL: postgresUrl(),
          DB_SCHEMA: sqlIdentifier({ default: 'probe' }),
          LOG_LEVEL: logLevel({ default: 'silent' }),
        },
        dataSourceOptions: () => ({ type: 'postgres', url: process.env.DATABASE_URL }),
        prepare: () => Promise.resolve([]),
      });
      expect(await exit).toBe(1);
      expect(printed()).toMatch(/^migration failed: /);
    } finally {
      process.env = env;
    }
  });
});
