import pino, { type LevelWithSilent } from 'pino';
import { loggerOptions } from '@maas/observability';

/**
 * The access log of inference calls: one `"msg":"inference"` JSON line per call, in the same
 * shape as every other log line (service, ISO time, level name), with the request id, route,
 * status, service, key or user id, model, tokens, instances tried and latency.
 *
 * Its own pino instance without the redaction pass: a line holds only ids and counts built by
 * the pipeline, never a header, body or credential, and redaction (wildcard paths over every
 * object) was the largest single cost of the hot path in a profile.
 */
export function inferenceAccessLog(
  level: LevelWithSilent,
): (line: Record<string, unknown>) => void {
  const options = loggerOptions({ service: 'gateway', level });
  delete options.redact;
  // Written asynchronously (flushed at exit): the call's answer never waits for the log.
  const logger = pino(options, pino.destination({ sync: false })).child({ context: 'Inference' });
  return (line) => logger.info(line, 'inference');
}
