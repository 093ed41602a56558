import { BlockList, isIP } from 'node:net';

/** What a key may call (maas.keys.v1 ApiKeyScope, in TypeScript shape). */
export interface KeyScope {
  /** Every service of the key's project; otherwise only `serviceIds`. */
  allServices: boolean;
  serviceIds: readonly string[];
  /** Client address ranges the key may be used from; empty = anywhere. */
  allowedCidrs: readonly string[];
  /** Models the key may ask for; empty = any. */
  allowedModels: readonly string[];
}

export type ScopeRefusal = 'service_not_allowed' | 'model_not_allowed' | 'ip_not_allowed';

/** A CIDR split into address, family and prefix length; undefined if it is not one. */
export function parseCidr(
  cidr: string,
): { address: string; family: 'ipv4' | 'ipv6'; prefix: number } | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!match) return undefined;
  const version = isIP(match[1]);
  if (version === 0) return undefined;
  const prefix = Number(match[2]);
  const max = version === 4 ? 32 : 128;
  if (prefix > max) return undefined;
  return { address: match[1], family: version === 4 ? 'ipv4' : 'ipv6', prefix };
}

/** Strips the IPv4-mapped IPv6 form (`::ffff:203.0.113.7`) servers report for IPv4 clients. */
function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}

/** Checks calls against a key's scope; built once per key version. */
export class ScopeMatcher {
  private readonly services: ReadonlySet<string>;
  private readonly models: ReadonlySet<string>;
  private readonly addresses?: BlockList;

  constructor(readonly scope: KeyScope) {
    this.services = new Set(scope.serviceIds);
    this.models = new Set(scope.allowedModels);
    if (scope.allowedCidrs.length > 0) {
      const list = new BlockList();
      for (const cidr of scope.allowedCidrs) {
        const parsed = parseCidr(cidr);
        // A malformed entry allows nothing (the keys service never publishes one).
        if (parsed) list.addSubnet(parsed.address, parsed.prefix, parsed.family);
      }
      this.addresses = list;
    }
  }

  /**
   * Why the call is outside the scope, or undefined if it is inside. Only what the call
   * names is checked: e.g. without a `serviceId` (a listing), the services are not.
   */
  refusal(call: {
    serviceId?: string;
    model?: string;
    clientIp?: string;
  }): ScopeRefusal | undefined {
    if (
      call.serviceId !== undefined &&
      !this.scope.allServices &&
      !this.services.has(call.serviceId)
    ) {
      return 'service_not_allowed';
    }
    if (call.model !== undefined && this.models.size > 0 && !this.models.has(call.model)) {
      return 'model_not_allowed';
    }
    if (this.addresses) {
      const ip = call.clientIp === undefined ? '' : normalizeIp(call.clientIp);
      const version = isIP(ip);
      if (version === 0 || !this.addresses.check(ip, version === 4 ? 'ipv4' : 'ipv6')) {
        return 'ip_not_allowed';
      }
    }
    return undefined;
  }

  /** Whether the key may call the service at all (for /v1/models listings). */
  allowsService(serviceId: string): boolean {
    return this.scope.allServices || this.services.has(serviceId);
  }

  /** Whether the key may ask for the model at all. */
  allowsModel(model: string): boolean {
    return this.models.size === 0 || this.models.has(model);
  }
}
