import { isIP, isIPv4 } from 'node:net';

/**
 * USAGE_ENDPOINT_OVERRIDE: where metrics are read instead of a pod's or node's own address.
 * The same syntax and rule as the gateway's ENDPOINT_OVERRIDE (services/gateway/src/
 * instances/endpoint-override.ts), so that one pod reaches the same simulator through both:
 *
 *   "10.244.0.0/16=http://127.0.0.1:18011,http://127.0.0.1:18012; 10.0.0.1=http://127.0.0.1:18010"
 *
 * Entries are separated by `;` or whitespace; `<ip>=<url>` maps one address (it wins over any
 * range); `<cidr>=<url>[,<url>…]` maps an IPv4 address of the range to URL number (address
 * as a 32-bit integer) modulo (number of URLs); the narrowest range wins. A URL is an origin
 * (no path, query or credentials). Empty: addresses are dialled as they are (production).
 */
export interface EndpointOverride {
  /** The origin (e.g. "http://127.0.0.1:18011") to use for `address`, or undefined. */
  originFor(address: string): string | undefined;
}

interface Range {
  readonly network: number;
  readonly prefix: number;
  readonly mask: number;
  readonly origins: readonly string[];
}

/** Throws an Error naming the entry (never its URL, which could carry a password). */
export function parseEndpointOverride(text: string): EndpointOverride {
  const exact = new Map<string, string>();
  const ranges: Range[] = [];
  text
    .split(/[;\s]+/)
    .filter((e) => e.length > 0)
    .forEach((entry, i) => {
      const where = `entry ${i + 1}`;
      const eq = entry.indexOf('=');
      if (eq <= 0 || eq === entry.length - 1)
        throw new Error(`${where} must be <ip>=<url> or <cidr>=<url>[,<url>…]`);
      const target = entry.slice(0, eq);
      const origins = entry
        .slice(eq + 1)
        .split(',')
        .map((u, j) => originOf(u, `${where}, URL ${j + 1}`));
      if (target.includes('/')) ranges.push(rangeOf(target, origins, where));
      else if (!isIP(target)) throw new Error(`${where}: "${target}" is not an IP address`);
      else if (origins.length !== 1)
        throw new Error(`${where} (${target}): one address maps to exactly one URL`);
      else exact.set(target.toLowerCase(), origins[0]);
    });
  ranges.sort((a, b) => b.prefix - a.prefix);
  return {
    originFor(address: string): string | undefined {
      const hit = exact.get(address.toLowerCase());
      if (hit !== undefined) return hit;
      const n = ipv4ToInt(address);
      if (n === undefined) return undefined;
      const range = ranges.find((r) => (n & r.mask) >>> 0 === r.network);
      return range ? range.origins[n % range.origins.length] : undefined;
    },
  };
}

function rangeOf(target: string, origins: readonly string[], where: string): Range {
  const [ip, bits, ...rest] = target.split('/');
  const prefix = /^\d{1,2}$/.test(bits ?? '') ? Number(bits) : NaN;
  const base = ipv4ToInt(ip);
  if (rest.length > 0 || base === undefined || !(prefix >= 0 && prefix <= 32))
    throw new Error(`${where}: "${target}" is not an IPv4 CIDR range (e.g. 10.244.0.0/16)`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (base & mask) >>> 0, prefix, mask, origins };
}

function originOf(raw: string, where: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${where} is not a URL (http://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${where} must start with http:// or https://`);
  if (url.username || url.password) throw new Error(`${where} must not carry credentials`);
  if (url.pathname !== '/' || url.search || url.hash)
    throw new Error(`${where} must be an origin without path, query or fragment`);
  return url.origin;
}

function ipv4ToInt(address: string): number | undefined {
  if (!isIPv4(address)) return undefined;
  return address.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}
