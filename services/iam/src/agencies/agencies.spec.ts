import { describe, expect, it } from 'vitest';
import {
  agencyNameCandidates,
  defaultAgencyName,
  randomAgencyNameSuffix,
} from './agency-naming.js';
import { expiryOf, isExpired, VALIDITY_PERIOD_PATTERN } from './validity-period.js';

describe('agency names (seed 002 Table 2-2)', () => {
  it('is ma_agency_<IAM user name> for an IAM user, modelarts_agency otherwise', () => {
    expect(defaultAgencyName({ userType: 'iam_user', userName: 'alice' })).toBe('ma_agency_alice');
    for (const userType of ['federated_user', 'agency', 'all_users']) {
      expect(defaultAgencyName({ userType, userName: 'x' })).toBe('modelarts_agency');
    }
  });

  it('tries the name, then the name with 4-digit suffixes', () => {
    const suffixes = ['0042', '1234'];
    const candidates = [...agencyNameCandidates('modelarts_agency', () => suffixes.shift()!, 2)];
    expect(candidates).toEqual([
      'modelarts_agency',
      'modelarts_agency_0042',
      'modelarts_agency_1234',
    ]);
  });

  it('draws random suffixes of exactly four digits', () => {
    const drawn = new Set(Array.from({ length: 200 }, () => randomAgencyNameSuffix()));
    for (const s of drawn) expect(s).toMatch(/^\d{4}$/);
    expect(drawn.size).toBeGreaterThan(150);
  });
});

describe('validity periods', () => {
  const from = new Date('2026-01-01T00:00:00Z');

  it('accepts unlimited, N days and N hours', () => {
    for (const ok of ['unlimited', '1d', '30d', '9999d', '12h'])
      expect(VALIDITY_PERIOD_PATTERN.test(ok)).toBe(true);
    for (const bad of ['0d', '1w', '', 'forever', '10000d', '1.5h', '-1d']) {
      expect(VALIDITY_PERIOD_PATTERN.test(bad)).toBe(false);
    }
  });

  it('turns a period into an expiry', () => {
    expect(expiryOf('unlimited', from)).toBeNull();
    expect(expiryOf('2d', from)).toEqual(new Date('2026-01-03T00:00:00Z'));
    expect(expiryOf('12h', from)).toEqual(new Date('2026-01-01T12:00:00Z'));
  });

  it('tells an expired agency', () => {
    expect(isExpired({ expiresAt: null })).toBe(false);
    expect(isExpired({ expiresAt: from }, new Date('2026-01-01T00:00:00Z'))).toBe(true);
    expect(isExpired({ expiresAt: from }, new Date('2025-12-31T23:59:59Z'))).toBe(false);
  });
});
