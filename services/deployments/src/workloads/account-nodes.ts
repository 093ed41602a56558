import { LABEL } from './labels.js';

/**
 * The node label by which the operator assigns a node to a tenant account (see
 * docs/operators.md, "Dedicated nodes per account"): `maas.io/account=<account_id>`. Only
 * the operator sets it (kubectl); tenants never write nodes. A pool of an account only ever
 * selects, tolerates and counts nodes carrying its own account's value (SPEC §4: a dedicated
 * pool is exclusive to its tenant). The same label marks the account on our pods.
 */
export const ACCOUNT_LABEL = LABEL.account;

/**
 * The selector that is really used for a pool of `accountId`: the tenant's labels AND the
 * account label, which always wins (a selector that names another account — by the API, or
 * hand-edited in the database — still selects only the account's own nodes). Used for
 * capacity reads, admission and the pods' nodeSelector alike.
 */
export function accountNodeSelector(
  nodeSelector: Readonly<Record<string, string>>,
  accountId: string,
): Record<string, string> {
  return { ...nodeSelector, [ACCOUNT_LABEL]: accountId };
}
