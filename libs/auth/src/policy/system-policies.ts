import type { PolicyDocument } from './policy.js';

/**
 * The system policies of seed 002 Table 2-1. CommonOperations can use everything in
 * ModelArts but cannot create, update or delete dedicated resource pools; FullAccess can.
 * The dependency-service policies grant their service's actions.
 */
export const SYSTEM_POLICIES = {
  'ModelArts FullAccess': {
    Version: '1.1',
    Statement: [{ Effect: 'Allow', Action: ['modelarts:*:*'] }],
  },
  'ModelArts CommonOperations': {
    Version: '1.1',
    Statement: [
      { Effect: 'Allow', Action: ['modelarts:*:*'] },
      {
        Effect: 'Deny',
        Action: ['modelarts:pool:create', 'modelarts:pool:update', 'modelarts:pool:delete'],
      },
    ],
  },
  'OBS OperateAccess': {
    Version: '1.1',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'obs:bucket:ListAllMybuckets',
          'obs:bucket:HeadBucket',
          'obs:bucket:ListBucket',
          'obs:bucket:GetBucketLocation',
          'obs:object:*',
        ],
      },
    ],
  },
  'SWR OperateAccess': {
    Version: '1.1',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['swr:repository:*', 'swr:namespace:list*', 'swr:namespace:get*'],
      },
    ],
  },
  'CES FullAccess': { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['ces:*:*'] }] },
  'SMN FullAccess': { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['smn:*:*'] }] },
  'VPC FullAccess': { Version: '1.1', Statement: [{ Effect: 'Allow', Action: ['vpc:*:*'] }] },
} as const satisfies Record<string, PolicyDocument>;

export type SystemPolicyName = keyof typeof SYSTEM_POLICIES;

export const SYSTEM_POLICY_NAMES = Object.keys(SYSTEM_POLICIES) as SystemPolicyName[];
