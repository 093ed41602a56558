import { describe, expect, it } from 'vitest';
import { Actions } from './actions.js';
import { actionMatches, evaluate, type ScopedPolicy, validatePolicyDocument } from './policy.js';
import { SYSTEM_POLICIES } from './system-policies.js';

const global = { kind: 'global' } as const;
const sys = (
  name: keyof typeof SYSTEM_POLICIES,
  scope: ScopedPolicy['scope'] = global,
): ScopedPolicy => ({
  document: SYSTEM_POLICIES[name],
  scope,
});

describe('actionMatches', () => {
  it.each([
    ['modelarts:*:*', 'modelarts:pool:create', true],
    ['modelarts:service:*', 'modelarts:pool:create', false],
    ['iam:agencies:list*', 'iam:agencies:listAgencies', true],
    ['IAM:Agencies:ListAgencies', 'iam:agencies:listAgencies', true],
    ['*', 'anything:at:all', true],
    ['modelarts:pool:create', 'modelarts:pool:createX', false],
    ['modelarts:po.l:create', 'modelarts:pool:create', false],
  ])('%s vs %s → %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});

describe('evaluate', () => {
  const poolWrites = [Actions.poolCreate, Actions.poolUpdate, Actions.poolDelete];

  it('CommonOperations uses everything but cannot write pools; FullAccess can', () => {
    const common = [sys('ModelArts CommonOperations')];
    const full = [sys('ModelArts FullAccess')];
    for (const action of poolWrites) {
      expect(evaluate(common, action, 'p1')).toBe('explicit_deny');
      expect(evaluate(full, action, 'p1')).toBe('allow');
    }
    for (const action of [Actions.poolList, Actions.serviceCreate, Actions.apiKeyCreate]) {
      expect(evaluate(common, action, 'p1')).toBe('allow');
    }
  });

  it('explicit Deny beats Allow from any other policy', () => {
    const policies: ScopedPolicy[] = [
      sys('ModelArts FullAccess'),
      {
        document: {
          Version: '1.1',
          Statement: [{ Effect: 'Deny', Action: ['modelarts:service:delete'] }],
        },
        scope: global,
      },
    ];
    expect(evaluate(policies, Actions.serviceDelete, 'p1')).toBe('explicit_deny');
    expect(evaluate(policies, Actions.serviceCreate, 'p1')).toBe('allow');
  });

  it('denies implicitly without a matching Allow', () => {
    expect(evaluate([sys('OBS OperateAccess')], Actions.serviceCreate, 'p1')).toBe('implicit_deny');
    expect(evaluate([], Actions.serviceCreate, 'p1')).toBe('implicit_deny');
  });

  it('applies project-scoped attachments only in their projects', () => {
    const scoped = [sys('ModelArts FullAccess', { kind: 'projects', projectIds: ['p1'] })];
    expect(evaluate(scoped, Actions.serviceCreate, 'p1')).toBe('allow');
    expect(evaluate(scoped, Actions.serviceCreate, 'p2')).toBe('implicit_deny');
    expect(evaluate(scoped, Actions.serviceCreate)).toBe('implicit_deny');
  });

  it('a project-scoped Deny does not leak into other projects', () => {
    const policies: ScopedPolicy[] = [
      sys('ModelArts FullAccess'),
      {
        document: { Version: '1.1', Statement: [{ Effect: 'Deny', Action: ['modelarts:*:*'] }] },
        scope: { kind: 'projects', projectIds: ['p2'] },
      },
    ];
    expect(evaluate(policies, Actions.serviceCreate, 'p1')).toBe('allow');
    expect(evaluate(policies, Actions.serviceCreate, 'p2')).toBe('explicit_deny');
  });
});

describe('validatePolicyDocument', () => {
  it('accepts the seed example shape', () => {
    expect(
      validatePolicyDocument({
        Version: '1.1',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['iam:agencies:listAgencies', 'iam:permissions:listRolesForAgency'],
          },
        ],
      }),
    ).toEqual([]);
  });

  it('names each problem', () => {
    expect(
      validatePolicyDocument({
        Version: '1.0',
        Statement: [{ Effect: 'Maybe', Action: ['bad action!'], Resource: ['x'] }],
      }),
    ).toEqual([
      'Version must be "1.1"',
      'Statement[0].Effect must be "Allow" or "Deny"',
      'Statement[0].Action[0] must look like service:resource:action',
      'Statement[0] has unsupported fields: Resource',
    ]);
    expect(validatePolicyDocument('nope')).toEqual(['policy must be a JSON object']);
  });
});
