import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@maas/config';
import { resourceUsageConfig } from './resource-usage.config.js';

const load = (env: Record<string, string>) => loadConfig(resourceUsageConfig, env);

describe('resource usage settings', () => {
  it('defaults to no source (usage not measured) with a 1 s bound and a 2 s cache', () => {
    expect(load({})).toMatchObject({
      USAGE_SOURCE: 'none',
      USAGE_TIMEOUT_MS: 1000,
      USAGE_CACHE_MS: 2000,
      USAGE_NPU_EXPORTER_PORT: 8082,
      USAGE_ENDPOINT_OVERRIDE: '',
    });
  });

  it('refuses an unknown source and a bad override, without repeating a URL', () => {
    let error: unknown;
    try {
      load({
        USAGE_SOURCE: 'grafana',
        USAGE_ENDPOINT_OVERRIDE: '10.0.0.1=http://user:s3cret@host:1',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = String((error as Error).message);
    expect(text).toMatch(/USAGE_SOURCE.*one of none, prometheus, scrape/);
    expect(text).toMatch(
      /USAGE_ENDPOINT_OVERRIDE.*entry 1 \(10.0.0.1\), URL 1 must not carry credentials/,
    );
    expect(text).not.toContain('s3cret');
  });
});
