import { type Admission } from '@maas/limiter';
import { type Caller } from '../auth/caller-authenticator.js';
import { type RoutableService } from '../directory/index.js';

/** The chat endpoints of SPEC §8 and what their path names. */
export type ChatRoute =
  /** POST /v1/chat/completions: region endpoint, model by name, Bearer key. */
  | { kind: 'region' }
  /** POST /api/v2/chat/completions: V2 API, model by name, Bearer key (seed 000). */
  | { kind: 'v2' }
  /** POST /v1/infers/{service_id}/v1/chat/completions: a service's own path, Bearer key. */
  | { kind: 'service'; serviceId: string }
  /** POST /v1/{project_id}/deployments/{deployment_id}/chat/completions: V1 API (seed 000). */
  | { kind: 'v1'; projectId: string; serviceId: string };

/** The metrics/log label of a route. */
export function routeLabel(route: ChatRoute): string {
  switch (route.kind) {
    case 'region':
      return 'chat';
    case 'v2':
      return 'v2_chat';
    case 'service':
      return 'service_chat';
    case 'v1':
      return 'v1_chat';
  }
}

/** Everything one call collects on its way through the pipeline. */
export interface CallContext {
  requestId: string;
  route: string;
  /** performance.now() at arrival. */
  startedAt: number;
  clientIp: string;
  caller?: Caller;
  /** Set once the call is routed to a service: from then on its usage is recorded. */
  service?: RoutableService;
  model: string;
  stream: boolean;
  promptEstimate: number;
  admission?: Admission;
  /** Aborts the upstream call (client gone, drain deadline). */
  controller: AbortController;
  /** Instances tried. */
  attempts: number;
  /** Set once the outcome is recorded, so it is recorded once. */
  finished: boolean;
}
