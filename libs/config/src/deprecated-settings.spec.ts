import { describe, expect, it } from 'vitest';
import { withDeprecatedSettings } from './deprecated-settings.js';

const renames = { IAM_PROJECTION: 'CONSUMERS_RUN' };

describe('withDeprecatedSettings', () => {
  it('reads an old name as its new one, and says it was used', () => {
    const { env, used } = withDeprecatedSettings({ IAM_PROJECTION: 'false' }, renames);
    expect(env.CONSUMERS_RUN).toBe('false');
    expect(used).toEqual(['IAM_PROJECTION (now CONSUMERS_RUN)']);
  });

  it('lets the new name win when both are set', () => {
    const { env, used } = withDeprecatedSettings(
      { IAM_PROJECTION: 'false', CONSUMERS_RUN: 'true' },
      renames,
    );
    expect(env.CONSUMERS_RUN).toBe('true');
    expect(used).toEqual(['IAM_PROJECTION (now CONSUMERS_RUN)']);
  });

  it('leaves an environment without old names as it is, and the input untouched', () => {
    const input = { CONSUMERS_RUN: 'true' };
    const { env, used } = withDeprecatedSettings(input, renames);
    expect(env).toEqual(input);
    expect(env).not.toBe(input);
    expect(used).toEqual([]);
  });
});
