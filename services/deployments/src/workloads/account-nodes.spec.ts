import { describe, expect, it } from 'vitest';
import { ACCOUNT_LABEL, accountNodeSelector } from './account-nodes.js';

const me = '11111111-1111-4111-8111-111111111111';
const them = '22222222-2222-4222-8222-222222222222';

describe('account node selector', () => {
  it("ANDs the account label into every selector; the caller's account always wins", () => {
    expect(accountNodeSelector({ 'maas.io/pool': 'a' }, me)).toEqual({
      'maas.io/pool': 'a',
      [ACCOUNT_LABEL]: me,
    });
    expect(accountNodeSelector({ [ACCOUNT_LABEL]: them }, me)).toEqual({ [ACCOUNT_LABEL]: me });
  });
});
