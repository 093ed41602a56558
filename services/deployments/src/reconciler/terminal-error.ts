import { DomainError } from '@maas/errors';
import { KubeApiError } from '../kubernetes/kube-errors.js';
import { type PassOutcome } from './work-queue.js';

/**
 * A failure retrying cannot fix (controller-runtime's reconcile.TerminalError): the key is
 * not requeued, the failure is logged and counted (deployments_reconcile_errors_total,
 * class "terminal"). The next event about the object, or the periodic resync, looks again.
 */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

/**
 * What a failed pass tells its queue. Terminal: a TerminalError, a Kubernetes refusal
 * (KubeApiError not retryable: invalid, forbidden, …), a domain error other than a lost
 * race or an unavailable dependency. Everything else (API hiccups, conflicts, database
 * errors) is retried with back-off.
 */
export function outcomeOf(error: unknown): PassOutcome {
  if (error instanceof TerminalError) return { kind: 'terminal', error };
  if (error instanceof KubeApiError)
    return error.retryable ? { kind: 'retry', error } : { kind: 'terminal', error };
  if (error instanceof DomainError && error.kind !== 'conflict' && error.kind !== 'unavailable')
    return { kind: 'terminal', error };
  return { kind: 'retry', error };
}
