import { isCallable, type ServiceState } from '../lifecycle/index.js';

export interface CallEndpoint {
  /** Which API: service (its own path), region (by model name), v1 (IAM token / AppCode), v2. */
  readonly api: 'service' | 'service_models' | 'region' | 'region_models' | 'v1' | 'v2';
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** The header that authenticates the call. */
  readonly auth: string;
}

export interface CallDescription {
  /** The `model` to send: the service name (its served model name). */
  readonly model: string;
  /** Whether the service can be called now (running, alarm, updating, upgrading). */
  readonly callable: boolean;
  readonly endpoints: readonly CallEndpoint[];
  readonly example: string;
}

const BEARER = 'Authorization: Bearer <API key>';

/** "View Call Description": the SPEC §8 paths of a service and the model name to use. */
export function callDescription(
  baseUrl: string,
  service: { id: string; name: string; projectId: string; state: ServiceState },
): CallDescription {
  const own = `${baseUrl}/v1/infers/${service.id}/v1`;
  const endpoints: CallEndpoint[] = [
    { api: 'service', method: 'POST', url: `${own}/chat/completions`, auth: BEARER },
    { api: 'service_models', method: 'GET', url: `${own}/models`, auth: BEARER },
    { api: 'region', method: 'POST', url: `${baseUrl}/v1/chat/completions`, auth: BEARER },
    { api: 'region_models', method: 'GET', url: `${baseUrl}/v1/models`, auth: BEARER },
    {
      api: 'v1',
      method: 'POST',
      url: `${baseUrl}/v1/${service.projectId}/deployments/${service.id}/chat/completions`,
      auth: 'X-Auth-Token: <IAM token> or X-Apig-AppCode: <API key>',
    },
    { api: 'v2', method: 'POST', url: `${baseUrl}/api/v2/chat/completions`, auth: BEARER },
  ];
  const example = [
    `curl -X POST '${own}/chat/completions'`,
    `  -H 'Content-Type: application/json' -H 'Authorization: Bearer $API_KEY'`,
    `  -d '{"model": "${service.name}", "messages": [{"role": "user", "content": "Hello"}]}'`,
  ].join(' \\\n');
  return { model: service.name, callable: isCallable(service.state), endpoints, example };
}
