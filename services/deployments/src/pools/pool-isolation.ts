import { type FieldProblem } from '../validation/index.js';
import { ACCOUNT_LABEL } from '../workloads/account-nodes.js';
import { type PoolTaint } from './pool.entity.js';

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
