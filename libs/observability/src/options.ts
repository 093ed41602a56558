import { type LevelWithSilent, type DestinationStream } from 'pino';

export interface ObservabilityOptions {
  /** Service name: a field of every log line and a label of every metric. */
  service: string;
  /** Log level (default info). */
  level?: LevelWithSilent;
  /** Where logs go (default stdout); tests pass a stream to capture them. */
  destination?: DestinationStream;
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
