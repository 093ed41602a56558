import { readFileSync } from 'node:fs';
import { hostPort, tcpReachable } from './probe.js';
import { loadStackEnv, StackNotRunningError } from './stack-env.js';

/**
 * Vitest globalSetup of the integration project: fails fast, with the one command to run,
 * when the local stack is not up; otherwise exports its settings to the test workers.
 */
export default async function setup(): Promise<void> {
  const env = loadStackEnv();
  const apiserver = /server: (https?:\/\/\S+)/.exec(readFileSync(env.KUBECONFIG, 'utf8'))?.[1];
  const targets: [string, string][] = [
    ['PostgreSQL', env.DATABASE_URL],
    ['Redis', env.REDIS_URL],
    ['Kafka', env.KAFKA_BROKERS.split(',')[0]],
    ['the simulator', env.SIM_URLS.split(',')[0]],
  ];
  if (apiserver) targets.push(['kube-apiserver', apiserver]);
  const down: string[] = [];
  for (const [name, address] of targets) {
    const { host, port } = hostPort(address);
    if (!(await tcpReachable(host, port))) down.push(`${name} at ${host}:${port}`);
  }
  if (down.length > 0) throw new StackNotRunningError(`${down.join(', ')} not reachable`);
  Object.assign(process.env, env);
}
