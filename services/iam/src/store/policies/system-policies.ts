import { type DataSource } from 'typeorm';
import { SYSTEM_POLICIES, type SystemPolicyName } from '@maas/auth';
import { quoteIdent } from '@maas/database';

/** Stable ids of the system policies of seed 002 Table 2-1 (the same in every installation). */
export const SYSTEM_POLICY_IDS: Readonly<Record<SystemPolicyName, string>> = {
  'ModelArts FullAccess': '00000000-0000-4000-a000-000000000001',
  'ModelArts CommonOperations': '00000000-0000-4000-a000-000000000002',
  'OBS OperateAccess': '00000000-0000-4000-a000-000000000003',
  'SWR OperateAccess': '00000000-0000-4000-a000-000000000004',
  'CES FullAccess': '00000000-0000-4000-a000-000000000005',
  'SMN FullAccess': '00000000-0000-4000-a000-000000000006',
  'VPC FullAccess': '00000000-0000-4000-a000-000000000007',
};

const DESCRIPTIONS: Readonly<Record<SystemPolicyName, string>> = {
  'ModelArts FullAccess':
    'All ModelArts permissions, including creating, updating and deleting dedicated resource pools',
  'ModelArts CommonOperations':
    'Use ModelArts resources; cannot create, update or delete dedicated resource pools',
  'OBS OperateAccess': 'Use OBS: ModelArts forwards data through it',
  'SWR OperateAccess': 'Use SWR: ModelArts custom images',
  'CES FullAccess': 'Cloud Eye: view the status of real-time services and set alarms',
  'SMN FullAccess': 'Simple Message Notification, used with Cloud Eye',
  'VPC FullAccess': 'VPC permissions to customize the networks of dedicated resource pools',
};

/** The policies a new agency gets by default ("Common User" in the console). */
export const COMMON_AGENCY_POLICIES: readonly SystemPolicyName[] = [
  'ModelArts CommonOperations',
  'OBS OperateAccess',
  'SWR OperateAccess',
  'CES FullAccess',
  'SMN FullAccess',
];

/** The dependency-service authorizations seed 002 section 2.3 checks for. */
export const DEPENDENCY_POLICIES = [
  { service: 'OBS', policy: 'OBS OperateAccess' },
  { service: 'SWR', policy: 'SWR OperateAccess' },
] as const satisfies readonly { service: string; policy: SystemPolicyName }[];

/**
 * Inserts or refreshes the system policies (reference data, run after the migrations at
 * every start and by the migrate command). Idempotent; safe when replicas run it at once.
 */
export async function syncSystemPolicies(dataSource: DataSource): Promise<void> {
  const { schema = 'public' } = dataSource.options as { schema?: string };
  const table = `${quoteIdent(schema)}.policies`;
  for (const [name, document] of Object.entries(SYSTEM_POLICIES) as [SystemPolicyName, object][]) {
    await dataSource.query(
      `INSERT INTO ${table} (id, account_id, system, name, description, document)
       VALUES ($1, NULL, true, $2, $3, $4::jsonb)
       ON CONFLICT (id) DO UPDATE
         SET name = EXCLUDED.name, description = EXCLUDED.description,
             document = EXCLUDED.document, updated_at = now()
         WHERE (${table}.name, ${table}.description, ${table}.document)
           IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.description, EXCLUDED.document)`,
      [SYSTEM_POLICY_IDS[name], name, DESCRIPTIONS[name], JSON.stringify(document)],
    );
  }
}
