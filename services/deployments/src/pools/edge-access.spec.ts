import { describe, expect, it } from 'vitest';
import { checkEdge, edgeResponse } from './edge-access.js';

describe('checkEdge', () => {
  it('is no edge pool when absent or null', () => {
    expect(checkEdge(undefined)).toEqual({ value: null, problems: [] });
    expect(checkEdge(null)).toEqual({ value: null, problems: [] });
  });

  it('defaults load balancing to port 80 and no API URL', () => {
    expect(checkEdge({ access_mode: 'load_balancing' }).value).toEqual({
      accessMode: 'load_balancing',
      port: 80,
      apiUrl: '',
      nodePort: null,
    });
    expect(
      checkEdge({ access_mode: 'load_balancing', port: 8080, api_url: '/maas/qwen' }).value,
    ).toMatchObject({ port: 8080, apiUrl: '/maas/qwen' });
  });

  it('takes node mode with or without a fixed node port', () => {
    expect(checkEdge({ access_mode: 'node' }).value).toEqual({
      accessMode: 'node',
      port: null,
      apiUrl: '',
      nodePort: null,
    });
    expect(checkEdge({ access_mode: 'node', node_port: 31_000 }).value?.nodePort).toBe(31_000);
    expect(
      checkEdge({ access_mode: 'node', port: null, api_url: '', node_port: null }).problems,
    ).toEqual([]);
  });

  it('names every bad field at once', () => {
    const fields = (input: unknown) => checkEdge(input).problems.map((p) => p.field);
    expect(fields('lb')).toEqual(['edge']);
    expect(fields({ access_mode: 'elb' })).toEqual(['edge.access_mode']);
    expect(
      fields({ access_mode: 'load_balancing', port: 0, api_url: 'no-slash', node_port: 31_000 }),
    ).toEqual(['edge.port', 'edge.api_url', 'edge.node_port']);
    expect(
      fields({ access_mode: 'node', node_port: 80, port: 80, api_url: '/x', extra: 1 }),
    ).toEqual(['edge.extra', 'edge.node_port', 'edge.port', 'edge.api_url']);
    expect(checkEdge({ access_mode: 'node', node_port: 80 }).value).toBeNull();
  });

  it('shows the stored settings with the API names', () => {
    expect(edgeResponse({ accessMode: 'node', port: null, apiUrl: '', nodePort: 31_000 })).toEqual({
      access_mode: 'node',
      port: null,
      api_url: '',
      node_port: 31_000,
    });
    expect(edgeResponse(null)).toBeNull();
  });
});
