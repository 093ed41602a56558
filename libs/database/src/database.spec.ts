import { describe, expect, it } from 'vitest';
import { QueryFailedError } from 'typeorm';
import { isUniqueViolation } from './errors.js';
import { migrationLockName } from './run-migrations.js';
import { quoteIdent } from './schema.js';

const failed = (driverError: object) =>
  new QueryFailedError('INSERT …', [], Object.assign(new Error('x'), driverError));

describe('@maas/database', () => {
  it('quotes identifiers, doubling quotes', () => {
    expect(quoteIdent('iam')).toBe('"iam"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });

  it('tells a unique violation, optionally of one constraint', () => {
    const error = failed({ code: '23505', constraint: 'users_account_name_key' });
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, 'users_account_name_key')).toBe(true);
    expect(isUniqueViolation(error, 'other_key')).toBe(false);
    expect(isUniqueViolation(failed({ code: '23503' }))).toBe(false);
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
  });

  it('names one migration lock per schema', () => {
    expect(migrationLockName('iam')).toBe('maas:migrations:iam');
  });
});
