import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureAppLogs, type CapturedLogs } from './app-logs.js';

let logs: CapturedLogs;

beforeAll(async () => {
  logs = await captureAppLogs('probe');
});

afterAll(async () => {
  await logs.close();
});

describe('captureAppLogs', () => {
  it('reads what a Nest Logger writes through the app logger, serializers applied', async () => {
    new Logger('Probe').warn({
      msg: 'cannot connect',
      err: new Error('connect postgres://u:pw-s3cret@db/x refused'),
    });
    await expect.poll(() => logs.withMsg('cannot connect')).toHaveLength(1);
    const [line] = logs.withMsg('cannot connect');
    expect(line).toMatchObject({ level: 'warn', service: 'probe', context: 'Probe' });
    expect(line?.err).toMatchObject({ message: 'connect postgres://u:[redacted]@db/x refused' });
    expect(logs.text()).not.toContain('pw-s3cret');
  });
});
