import { describe, expect, it } from 'vitest';
import { parseEndpointOverride } from './endpoint-override.js';

describe('parseEndpointOverride', () => {
  it("maps ranges by the address modulo the URLs (the gateway's rule) and exact addresses first", () => {
    const o = parseEndpointOverride(
      '10.244.0.0/16=http://127.0.0.1:18011,http://127.0.0.1:18012; 10.0.0.1=http://127.0.0.1:18010',
    );
    expect(o.originFor('10.244.0.4')).toBe('http://127.0.0.1:18011');
    expect(o.originFor('10.244.0.5')).toBe('http://127.0.0.1:18012');
    expect(o.originFor('10.0.0.1')).toBe('http://127.0.0.1:18010');
    expect(o.originFor('192.168.1.1')).toBeUndefined();
    expect(parseEndpointOverride('').originFor('10.244.0.4')).toBeUndefined();
  });

  it('names the bad entry without repeating its URL', () => {
    expect(() => parseEndpointOverride('10.0.0.1=http://u:secret@h:1')).toThrow(
      'entry 1, URL 1 must not carry credentials',
    );
    expect(() => parseEndpointOverride('a=b=c; 10.244.0.0/33=http://h:1')).toThrow(/entry 1/);
    expect(() => parseEndpointOverride('10.244.0.0/33=http://h:1')).toThrow(
      'entry 1: "10.244.0.0/33" is not an IPv4 CIDR range',
    );
  });
});
