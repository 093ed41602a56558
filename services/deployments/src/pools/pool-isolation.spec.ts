import { describe, expect, it } from 'vitest';
import { ACCOUNT_LABEL } from '../workloads/account-nodes.js';
import { accountProblems } from './pool-isolation.js';

const me = '11111111-1111-4111-8111-111111111111';
const them = '22222222-2222-4222-8222-222222222222';

describe('pool isolation by account', () => {
  it("refuses another account's label or taint, naming the field", () => {
    expect(
      accountProblems({ nodeSelector: { [ACCOUNT_LABEL]: them } }, me).map((p) => p.field),
    ).toEqual([`node_selector.${ACCOUNT_LABEL}`]);
    expect(
      accountProblems({ taint: { key: ACCOUNT_LABEL, value: them, effect: 'NoSchedule' } }, me).map(
        (p) => p.field,
      ),
    ).toEqual(['taint.value']);
  });

  it("accepts the caller's own account, other labels and taints, and nothing given", () => {
    expect(accountProblems({ nodeSelector: { [ACCOUNT_LABEL]: me } }, me)).toEqual([]);
    expect(
      accountProblems(
        {
          nodeSelector: { 'maas.io/pool': 'pool-a' },
          taint: { key: 'maas.io/pool', value: 'pool-a', effect: 'NoSchedule' },
        },
        me,
      ),
    ).toEqual([]);
    expect(accountProblems({ taint: null }, me)).toEqual([]);
    expect(accountProblems({}, me)).toEqual([]);
  });
});
