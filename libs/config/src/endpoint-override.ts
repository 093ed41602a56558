import { isIP, isIPv4 } from 'node:net';
import { EnvError, makeValidator } from 'envalid';

/**
 * An endpoint override: where a service dials instead of a pod's or node's own address — the
 * gateway's ENDPOINT_OVERRIDE (model requests), deployments' USAGE_ENDPOINT_OVERRIDE (metrics).
 * The local stack runs model pods on KWOK, whose pod IPs (10.244.x.y) answer nothing; the
 * vLLM simulators listen on 127.0.0.1. Tests and the local stack map the first to the second:
 *
 *   ENDPOINT_OVERRIDE="10.244.0.0/16=http://127.0.0.1:18000,http://127.0.0.1:18001; 10.244.1.7=http://127.0.0.1:18001"
 *
 * Entries are separated by `;` or whitespace. `<ip>=<url>` maps one address (it wins over any
 * range); `<cidr>=<url>[,<url>…]` maps every IPv4 address in the range to one of its URLs by
 * a stable pick (the address as a 32-bit integer, modulo the number of URLs), so one pod
 * keeps one upstream while it lives and consecutive pod IPs spread over the URLs. When
 * ranges overlap the narrowest wins. Addresses no entry covers are dialled as they are. A
 * URL is an origin: http(s)://host[:port], without path, query or credentials. Unset or
 * empty: no override (production).
 */
export interface EndpointOverride {
  /** The origin (e.g. "http://127.0.0.1:18000") to use for `address`, or undefined. */
  originFor(address: string): string | undefined;
  /** Number of entries (0: no override). */
  readonly size: number;
}

/** A malformed override; the message names the entry and what is wrong with it. */
export class EndpointOverrideError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'EndpointOverrideError';
  }
}

interface Range {
  network: number;
  prefix: number;
  mask: number;
  origins: string[];
}

export const NO_OVERRIDE: EndpointOverride = { originFor: () => undefined, size: 0 };

/**
 * Parses and validates an override; throws EndpointOverrideError. The error never repeats a
 * URL (it could carry a password); it names the entry by number and address.
 */
export function parseEndpointOverride(text: string | undefined): EndpointOverride {
  const entries = (text ?? '').split(/[;\s]+/).filter((e) => e.length > 0);
  if (entries.length === 0) return NO_OVERRIDE;
  const exact = new Map<string, string>();
  const ranges: Range[] = [];
  entries.forEach((entry, i) => {
    const where = `entry ${i + 1}`;
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) {
      throw new EndpointOverrideError(`${where} must be <ip>=<url> or <cidr>=<url>[,<url>…]`);
    }
    const target = entry.slice(0, eq);
    const urls = entry
      .slice(eq + 1)
      .split(',')
      .map((u, j) => originOf(u, `${where} (${target}), URL ${j + 1}`));
    if (target.includes('/')) {
      ranges.push(parseRange(target, urls, where));
      return;
    }
    if (!isIP(target))
      throw new EndpointOverrideError(`${where}: "${target}" is not an IP address`);
    if (urls.length !== 1) {
      throw new EndpointOverrideError(`${where} (${target}): one address maps to exactly one URL`);
    }
    const key = normalizeIp(target);
    if (exact.has(key)) throw new EndpointOverrideError(`${where}: ${target} is mapped twice`);
    exact.set(key, urls[0]);
  });
  // Narrowest range first: the first match is the most specific.
  ranges.sort((a, b) => b.prefix - a.prefix);
  return {
    size: entries.length,
    originFor(address: string): string | undefined {
      const hit = exact.get(normalizeIp(address));
      if (hit !== undefined || ranges.length === 0) return hit;
      const n = ipv4ToInt(address);
      if (n === undefined) return undefined;
      const range = ranges.find((r) => (n & r.mask) >>> 0 === r.network);
      return range ? range.origins[n % range.origins.length] : undefined;
    },
  };
}

function parseRange(target: string, origins: string[], where: string): Range {
  const [ip, bits, ...rest] = target.split('/');
  const prefix = /^\d{1,2}$/.test(bits ?? '') ? Number(bits) : NaN;
  const base = ipv4ToInt(ip);
  if (rest.length > 0 || base === undefined || !(prefix >= 0 && prefix <= 32)) {
    throw new EndpointOverrideError(
      `${where}: "${target}" is not an IPv4 CIDR range (e.g. 10.244.0.0/16)`,
    );
  }
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (base & mask) >>> 0, prefix, mask, origins };
}

function originOf(raw: string, where: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EndpointOverrideError(`${where} is not a URL (http://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EndpointOverrideError(`${where} must start with http:// or https://`);
  }
  if (url.username || url.password) {
    throw new EndpointOverrideError(`${where} must not carry credentials`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new EndpointOverrideError(`${where} must be an origin without path, query or fragment`);
  }
  return url.origin;
}

/** The address as an unsigned 32-bit integer, or undefined if it is not dotted IPv4. */
export function ipv4ToInt(address: string): number | undefined {
  if (!isIPv4(address)) return undefined;
  return address.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

function normalizeIp(address: string): string {
  return address.toLowerCase();
}

/** An environment setting holding an override, checked at start (the problem, never a URL). */
export const endpointOverride = makeValidator<string>((input) => {
  try {
    parseEndpointOverride(input);
  } catch (error) {
    if (error instanceof EndpointOverrideError) throw new EnvError(error.problem);
    throw error;
  }
  return input;
});
