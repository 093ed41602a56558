import { type LevelWithSilent, type DestinationStream } from 'pino';

export interface ObservabilityOptions {
  /** Service name: a field of every log line and a label of every metric. */
  service: string;
  /** Log level (default info). */
  level?: LevelWithSilent;
  /** Where logs go (default stdout); tests pass a stream to capture them. */
  destination?: DestinationStream;
  /**
   * Path prefixes (e.g. '/v1/') whose requests skip the per-request HTTP logger (pino-http:
   * a child logger, the redaction paths and a "request completed" line per request). For hot
   * routes that write their own access line; request ids (assigned by createFastifyAdapter)
   * and metrics are unaffected, but logs made while handling such a request carry no request
   * id of their own: add it to the line.
   */
  excludeRoutes?: readonly string[];
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
