import { type FieldProblem } from '../model-services/invalid-fields.error.js';
import { type PoolTaint } from './pool.entity.js';

/**
 * The node label by which the operator assigns a node to a tenant account (see
 * docs/operators.md, "Dedicated nodes per account"): `maas.io/account=<account_id>`. Only
 * the operator sets it (kubectl); tenants never write nodes. A pool of an account only ever
 * selects, tolerates and counts nodes carrying its own account's value (SPEC §4: a dedicated
 * pool is exclusive to its tenant).
 */
export const ACCOUNT_LABEL = 'maas.io/account';

/**
 * The selector that is really used for a pool of `accountId`: the tenant's labels AND the
 * account label, which always wins (a selector that names another account — by the API, or
 * hand-edited in the database — still selects only the account's own nodes).
 */
export function accountNodeSelector(
  nodeSelector: Readonly<Record<string, string>>,
  accountId: string,
): Record<string, string> {
  return { ...nodeSelector, [ACCOUNT_LABEL]: accountId };
}

/**
 * What a tenant may not send (400, naming the field): an account label for another account
 * in `node_selector`, or a taint on the account label with another account's value (its
 * toleration is meant for another tenant's nodes). The tenant's own value is accepted (a
 * GET's body can be PUT back). Other selectors are accepted and ANDed with the account
 * label: whether they match other accounts' nodes is not told (that would reveal them).
 */
export function accountProblems(
  value: { nodeSelector?: Record<string, string>; taint?: PoolTaint | null },
  accountId: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const selected = value.nodeSelector?.[ACCOUNT_LABEL];
  if (selected !== undefined && selected !== accountId)
    problems.push({
      field: `node_selector.${ACCOUNT_LABEL}`,
      problem:
        `is set by the platform operator: a pool selects only nodes assigned to your own ` +
        `account (${ACCOUNT_LABEL}=${accountId}); leave it out or use your account id`,
    });
  const taint = value.taint;
  if (taint && taint.key === ACCOUNT_LABEL && taint.value !== accountId)
    problems.push({
      field: 'taint.value',
      problem: `must be your account id (${accountId}) for a taint on ${ACCOUNT_LABEL}: a pool cannot tolerate another account's nodes`,
    });
  return problems;
}
