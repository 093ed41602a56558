import { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  bearerSecret,
  type Caller,
  type CallerAuthenticator,
} from '../auth/caller-authenticator.js';
import { type RoutableService, type ServiceDirectory } from '../directory/index.js';
import { type GatewayError } from '../errors/gateway-error.js';
import { type IpRateLimit } from './ip-limit.js';
import { apiNotFound, errorPayload, missingAuthorization, noAccess } from '../errors/answers.js';

/** One entry of a model listing, as seed 002 §4.5.2 shows it. */
function entry(service: RoutableService) {
  return { id: service.name, object: 'model', created: 0, owned_by: '' };
}

/**
 * GET /v1/models (what the key may call: its project's callable services and the preset
 * services its account enabled, narrowed by the key's application access and model
 * allowlist) and GET /v1/infers/{service_id}/v1/models (that one service). Answered from
 * the gateway's projections: no model server is asked.
 */
export class ModelsListing {
  constructor(
    private readonly auth: CallerAuthenticator,
    private readonly directory: ServiceDirectory,
    private readonly region: string,
    private readonly clientIp: (request: FastifyRequest) => string,
    private readonly ipLimit?: IpRateLimit,
  ) {}

  async list(request: FastifyRequest, reply: FastifyReply, serviceId?: string): Promise<void> {
    const ip = this.clientIp(request);
    const limited = await this.ipLimit?.check(ip);
    if (limited) return this.refuse(request, reply, limited);
    const secret = bearerSecret(request.headers.authorization);
    if (secret === undefined) return this.refuse(request, reply, missingAuthorization());
    const auth = this.auth.key(secret, ip);
    if (!auth.ok) return this.refuse(request, reply, auth.error);
    const listed =
      serviceId === undefined
        ? { ok: true as const, services: this.allFor(auth.caller) }
        : this.oneFor(auth.caller, serviceId);
    if (!listed.ok) return this.refuse(request, reply, listed.error);
    void reply
      .type('application/json')
      .send(JSON.stringify({ object: 'list', data: listed.services.map(entry) }));
  }

  private allFor(caller: Caller): RoutableService[] {
    return this.directory
      .listFor(caller.projectId, caller.accountId)
      .filter((s) => s.callable && this.auth.mayList(caller, s.serviceId, s.name));
  }

  /** The per-service path: another tenant's or an unknown id is an API that does not exist. */
  private oneFor(
    caller: Caller,
    serviceId: string,
  ): { ok: true; services: RoutableService[] } | { ok: false; error: GatewayError } {
    const service = this.directory.get(serviceId);
    const own = service?.projectId === caller.projectId;
    if (!service || service.region !== this.region || !(own || service.preset)) {
      return { ok: false, error: apiNotFound() };
    }
    const enabled = own || this.directory.isPresetEnabled(caller.accountId, service.serviceId);
    if (!enabled || !this.auth.mayList(caller, service.serviceId, service.name)) {
      return { ok: false, error: noAccess() };
    }
    return { ok: true, services: service.callable ? [service] : [] };
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, error: GatewayError): void {
    void reply
      .code(error.status)
      .headers(error.headers ?? {})
      .type('application/json')
      .send(errorPayload(error, String(request.id)));
  }
}
