import { describe, expect, it } from 'vitest';
import { EndpointOverrideError, ipv4ToInt, parseEndpointOverride } from './endpoint-override.js';

const SIMS = 'http://127.0.0.1:18000,http://127.0.0.1:18001';

describe('parseEndpointOverride', () => {
  it('unset or blank: no override', () => {
    for (const text of [undefined, '', '  ', ' ; ']) {
      const o = parseEndpointOverride(text);
      expect(o.size).toBe(0);
      expect(o.originFor('10.244.0.5')).toBeUndefined();
    }
  });

  it('maps an exact address to its URL origin', () => {
    const o = parseEndpointOverride('10.244.0.5=http://127.0.0.1:18000/');
    expect(o.originFor('10.244.0.5')).toBe('http://127.0.0.1:18000');
    expect(o.originFor('10.244.0.6')).toBeUndefined();
  });

  it('maps every address of a range by a stable pick (address mod URL count)', () => {
    const o = parseEndpointOverride(`10.244.0.0/16=${SIMS}`);
    // 10.244.0.4 is even, 10.244.0.5 odd (the address as an integer, mod 2).
    expect(o.originFor('10.244.0.4')).toBe('http://127.0.0.1:18000');
    expect(o.originFor('10.244.0.5')).toBe('http://127.0.0.1:18001');
    expect(o.originFor('10.244.0.5')).toBe('http://127.0.0.1:18001');
    expect(o.originFor('10.244.255.255')).toBe('http://127.0.0.1:18001');
    expect(o.originFor('10.245.0.1')).toBeUndefined();
    expect(o.originFor('fd00::1')).toBeUndefined();
  });

  it('explicit addresses win over ranges, and the narrowest range wins over a wider one', () => {
    const o = parseEndpointOverride(
      `10.0.0.0/8=http://a:1 10.244.0.0/16=http://b:2;10.244.0.9=http://c:3`,
    );
    expect(o.originFor('10.244.0.9')).toBe('http://c:3');
    expect(o.originFor('10.244.0.8')).toBe('http://b:2');
    expect(o.originFor('10.1.2.3')).toBe('http://a:1');
    expect(o.size).toBe(3);
  });

  it('accepts newline-separated entries, https and IPv6 exact addresses', () => {
    const o = parseEndpointOverride('fd00::1=https://sim.local\n0.0.0.0/0=http://x:9');
    expect(o.originFor('FD00::1')).toBe('https://sim.local');
    expect(o.originFor('192.168.1.1')).toBe('http://x:9');
  });

  it.each([
    ['10.244.0.5', /entry 1 must be <ip>=<url>/],
    ['=http://a:1', /entry 1 must be/],
    ['10.244.0.5=', /entry 1 must be/],
    ['host=http://a:1', /entry 1: "host" is not an IP address/],
    ['10.244.0.5=http://a:1,http://b:2', /exactly one URL/],
    ['10.244.0.0/33=http://a:1', /not an IPv4 CIDR/],
    ['10.244.0.0/x=http://a:1', /not an IPv4 CIDR/],
    ['fd00::/64=http://a:1', /not an IPv4 CIDR/],
    ['10.244.0.5=ftp://a:1', /must start with http/],
    ['10.244.0.5=not a url', /is not a URL/],
    ['10.244.0.5=http://a:1/v1', /without path/],
    ['10.244.0.5=http://a:1?x=1', /without path/],
    ['1.2.3.4=http://a:1 1.2.3.4=http://b:1', /entry 2: 1.2.3.4 is mapped twice/],
  ])('rejects %j with a clear error', (text, message) => {
    expect(() => parseEndpointOverride(text)).toThrow(EndpointOverrideError);
    expect(() => parseEndpointOverride(text)).toThrow(message);
  });

  it('never repeats a URL (it could carry a password) in its error', () => {
    let error: unknown;
    try {
      parseEndpointOverride('10.0.0.1=http://user:s3cret@a:1');
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/credentials/);
    expect(String(error)).not.toContain('s3cret');
  });

  it('ipv4ToInt', () => {
    expect(ipv4ToInt('0.0.0.1')).toBe(1);
    expect(ipv4ToInt('255.255.255.255')).toBe(0xffffffff);
    expect(ipv4ToInt('10.244.0.5')).toBe((10 << 24) + (244 << 16) + 5);
    expect(ipv4ToInt('::1')).toBeUndefined();
  });
});
