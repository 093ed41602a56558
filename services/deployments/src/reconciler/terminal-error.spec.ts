import { describe, expect, it } from 'vitest';
import { DomainError, type ErrorKind } from '@maas/errors';
import { KubeApiError } from '../kubernetes/kube-errors.js';
import { outcomeOf, TerminalError } from './terminal-error.js';

describe('outcomeOf', () => {
  it('does not requeue what retrying cannot fix', () => {
    expect(outcomeOf(new TerminalError('pool gone')).kind).toBe('terminal');
    expect(outcomeOf(new KubeApiError('apply', 422, 'Invalid', 'bad')).kind).toBe('terminal');
    expect(outcomeOf(new KubeApiError('apply', 403, 'Forbidden', 'no')).kind).toBe('terminal');
  });

  it('retries hiccups, conflicts and unknown failures with back-off', () => {
    expect(outcomeOf(new KubeApiError('apply', 409, 'Conflict', 'stale')).kind).toBe('retry');
    expect(outcomeOf(new KubeApiError('list', null, 'ECONNREFUSED', 'down')).kind).toBe('retry');
    expect(outcomeOf(new Error('connection terminated')).kind).toBe('retry');
  });

  it('classifies domain errors by kind', () => {
    const domain = (kind: ErrorKind) => new DomainError('DEPLOY.TEST', kind, kind);
    expect(outcomeOf(domain('conflict')).kind).toBe('retry');
    expect(outcomeOf(domain('unavailable')).kind).toBe('retry');
    expect(outcomeOf(domain('validation')).kind).toBe('terminal');
  });
});
