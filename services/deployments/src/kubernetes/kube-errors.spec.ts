import { describe, expect, it } from 'vitest';
import { KubeApiError, toKubeApiError } from './kube-errors.js';

const apiException = (code: number, body: unknown) =>
  Object.assign(new Error('HTTP'), { code, body });

describe('toKubeApiError', () => {
  it.each([
    [409, 'Conflict', true],
    [429, 'TooManyRequests', true],
    [500, 'InternalError', true],
    [503, 'ServiceUnavailable', true],
    [400, 'BadRequest', false],
    [403, 'Forbidden', false],
    [404, 'NotFound', false],
    [422, 'Invalid', false],
  ])('%i %s: retryable %s', (code, reason, retryable) => {
    const error = toKubeApiError(
      'apply Deployment ns/d',
      apiException(code, JSON.stringify({ kind: 'Status', reason, message: `it is ${reason}` })),
    );
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.status).toBe(code);
    expect(error.reason).toBe(reason);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe(`apply Deployment ns/d: it is ${reason}`);
  });

  it('treats a request that got no answer as retryable', () => {
    const error = toKubeApiError(
      'list pods',
      Object.assign(new TypeError('fetch failed'), {
        cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
      }),
    );
    expect(error.status).toBeNull();
    expect(error.reason).toBe('ECONNREFUSED');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('keeps a non-JSON body as the message', () => {
    const error = toKubeApiError('get pods/log', apiException(404, '404 page not found'));
    expect(error.notFound).toBe(true);
    expect(error.message).toBe('get pods/log: 404 page not found');
  });

  it('classifies namespace problems by status and details, not by message text', () => {
    const missing = toKubeApiError(
      'apply Deployment ns/d',
      apiException(
        404,
        JSON.stringify({
          kind: 'Status',
          reason: 'NotFound',
          message: 'whatever the server says',
          details: { name: 'ns', kind: 'namespaces' },
        }),
      ),
    );
    expect(missing.namespaceMissing).toBe(true);
    expect(missing.retryable).toBe(true);
    const objectGone = toKubeApiError(
      'delete Deployment ns/d',
      apiException(
        404,
        JSON.stringify({
          reason: 'NotFound',
          message: 'namespace', // the text names a namespace, the details do not
          details: { name: 'd', group: 'apps', kind: 'deployments' },
        }),
      ),
    );
    expect(objectGone.namespaceMissing).toBe(false);
    expect(objectGone.retryable).toBe(false);
    const terminating = toKubeApiError(
      'apply Service ns/s',
      apiException(
        403,
        JSON.stringify({
          reason: 'Forbidden',
          message: 'unable to create new content',
          details: { name: 's', kind: 'services', causes: [{ type: 'NamespaceTerminating' }] },
        }),
      ),
    );
    expect(terminating.namespaceTerminating).toBe(true);
    expect(terminating.retryable).toBe(true);
    const forbidden = toKubeApiError(
      'apply Service ns/s',
      apiException(403, JSON.stringify({ reason: 'Forbidden', message: 'being terminated' })),
    );
    expect(forbidden.namespaceTerminating).toBe(false);
    expect(forbidden.retryable).toBe(false);
  });
});
