import { describe, expect, it } from 'vitest';
import { loadStackEnv, parseExports, STACK_UP_COMMAND, StackNotRunningError } from './stack-env.js';

describe('stack env', () => {
  it('parses the exports printed by stack.sh env', () => {
    expect(parseExports('export A=1\nexport B=x=y\n# c\n')).toEqual({ A: '1', B: 'x=y' });
  });

  it('says which command starts the stack when it is not running', () => {
    const attempt = () => loadStackEnv({ MAAS_STACK_STATE: '/nonexistent/state' });
    expect(attempt).toThrow(StackNotRunningError);
    expect(attempt).toThrow(STACK_UP_COMMAND);
  });

  it('prefers variables already in the environment', () => {
    const env = {
      MAAS_STACK_STATE: '/nonexistent/state',
      DATABASE_URL: 'postgres://a@127.0.0.1:1/db',
      REDIS_URL: 'redis://127.0.0.1:2',
      KAFKA_BROKERS: '127.0.0.1:3',
      KUBECONFIG: '/k',
      SIM_URLS: 'http://127.0.0.1:4',
    };
    expect(loadStackEnv(env).KAFKA_BROKERS).toBe('127.0.0.1:3');
  });
});
