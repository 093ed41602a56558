import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@maas/testing';
import { ServiceProcess } from './service-process.js';

const processes: ServiceProcess[] = [];

function tiny(env: Record<string, string> = {}): ServiceProcess {
  const service = new ServiceProcess({
    name: 'tiny',
    main: new URL('./fixtures/tiny-service.ts', import.meta.url),
    env: { GREETING: 'hello', ...env },
  });
  processes.push(service);
  return service;
}

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill()));
});

describe('ServiceProcess', () => {
  it('starts the service on a free port with its settings, and stops it gracefully', async () => {
    const service = tiny();
    await service.start();
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    const line = await eventually(
      () => service.logLines().find((l) => l.msg === 'tiny listening'),
      { description: 'the log line' },
    );
    expect(line.greeting).toBe('hello');
    expect(await service.stop()).toBe(0);
  });

  it('fails the start, naming the log file, when the process exits first', async () => {
    const service = tiny({ FAIL_AT_START: '1' });
    await expect(service.start()).rejects.toThrow(/tiny exited \(code 1\); see .*maas-tiny-/);
  });
});
