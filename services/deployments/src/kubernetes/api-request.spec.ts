import { describe, expect, it } from 'vitest';
import { describeApiRequest, isWatchRequest } from './api-request.js';

describe('describeApiRequest', () => {
  it.each([
    ['GET', '/api/v1/pods?labelSelector=a&limit=500', undefined, 'list', 'pods'],
    ['GET', '/api/v1/pods?watch=true&resourceVersion=5', undefined, 'watch', 'pods'],
    ['GET', '/api/v1/namespaces/ns/pods/p1/log?timestamps=true', undefined, 'get', 'pods/log'],
    ['GET', '/apis/apps/v1/deployments', undefined, 'list', 'deployments'],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/ns/deployments/d?fieldManager=x&force=true',
      'application/apply-patch+yaml',
      'apply',
      'deployments',
    ],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/ns/deployments/d',
      'application/json-patch+json',
      'patch',
      'deployments',
    ],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/ns/deployments/d/scale',
      'application/json-patch+json',
      'patch',
      'deployments/scale',
    ],
    ['DELETE', '/api/v1/namespaces/ns/services/s', undefined, 'delete', 'services'],
    ['DELETE', '/api/v1/namespaces/ns/pods?labelSelector=a', undefined, 'deletecollection', 'pods'],
    ['PATCH', '/api/v1/namespaces/maas-p', 'application/apply-patch+yaml', 'apply', 'namespaces'],
    ['GET', '/api/v1/nodes', undefined, 'list', 'nodes'],
    [
      'PUT',
      '/apis/coordination.k8s.io/v1/namespaces/default/leases/l',
      undefined,
      'update',
      'leases',
    ],
    [
      'POST',
      '/apis/coordination.k8s.io/v1/namespaces/default/leases',
      undefined,
      'create',
      'leases',
    ],
    ['GET', '/apis/apps/v1', undefined, 'discovery', 'discovery'],
    ['GET', '/readyz', undefined, 'discovery', 'discovery'],
  ])('%s %s → %s %s', (method, path, contentType, verb, resource) => {
    expect(describeApiRequest(method, path, contentType)).toEqual({ verb, resource });
  });

  it('tells watches apart', () => {
    expect(isWatchRequest('/api/v1/pods?labelSelector=x&watch=true')).toBe(true);
    expect(isWatchRequest('/api/v1/pods?labelSelector=watch%3Dtrue')).toBe(false);
    expect(isWatchRequest('/api/v1/pods')).toBe(false);
  });
});
