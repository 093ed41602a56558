/** What one HTTP request to kube-apiserver is, for counting: its verb and its resource. */
export interface ApiRequestKind {
  /** get, list, watch, create, update, patch, apply, delete, deletecollection, discovery. */
  readonly verb: string;
  /** The resource (with its subresource: `pods/log`), or `discovery` for API discovery. */
  readonly resource: string;
}

const APPLY_CONTENT_TYPE = 'application/apply-patch';

/**
 * Names a request from its method, path and content type the way the API server's audit log
 * does (`list pods`, `apply deployments`, `watch nodes`, `get pods/log`).
 */
export function describeApiRequest(
  method: string,
  path: string,
  contentType?: string,
): ApiRequestKind {
  const [pathname, query = ''] = path.split('?', 2);
  const parts = pathname.split('/').filter((p) => p.length > 0);
  const rest = resourcePath(parts);
  if (rest === null) return { verb: 'discovery', resource: 'discovery' };
  const [resource, name, sub] = rest;
  const named = name !== undefined;
  const fullResource = sub ? `${resource}/${sub}` : resource;
  return { verb: verbOf(method.toUpperCase(), named, query, contentType), resource: fullResource };
}

/** [resource, name?, subresource?] of a resource path; null for discovery and non-resource paths. */
function resourcePath(parts: string[]): string[] | null {
  let rest: string[];
  if (parts[0] === 'api') rest = parts.slice(2);
  else if (parts[0] === 'apis') rest = parts.slice(3);
  else return null;
  if (rest.length === 0) return null;
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  return rest;
}

function verbOf(method: string, named: boolean, query: string, contentType?: string): string {
  switch (method) {
    case 'GET':
      if (/(^|&)watch=(true|1)(&|$)/.test(query)) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return contentType?.startsWith(APPLY_CONTENT_TYPE) ? 'apply' : 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Whether the request is a watch (a long-lived stream: no request timeout applies). */
export function isWatchRequest(path: string): boolean {
  const query = path.split('?', 2)[1] ?? '';
  return /(^|&)watch=(true|1)(&|$)/.test(query);
}
