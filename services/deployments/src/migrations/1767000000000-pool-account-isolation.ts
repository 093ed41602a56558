import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';

/**
 * Tenant isolation of dedicated pools (SPEC §4; docs/operators.md "Dedicated nodes per
 * account"): every pool's node selector gets `maas.io/account=<its account_id>` — replacing
 * any other value a tenant had put there — and a taint on `maas.io/account` with another
 * account's value is dropped (its toleration was for another tenant's nodes). The pools'
 * `version` goes up and the reconciler's pool trigger fires, so their services' pods are
 * re-rendered with the account's required node affinity.
 *
 * What happens to a pool whose nodes the operator has not assigned to its account yet: it
 * keeps its services and settings, but its capacity counts no node (0 NPUs), queued
 * services wait, new pods of its services stay Pending, and running pods keep running where
 * they are (pods on a node assigned to *another* account are evicted by the reconciler).
 * Assigning the nodes (kubectl label node … maas.io/account=<account_id>) restores it.
 * Nothing is deleted; `down` cannot restore a replaced foreign value (it only removes the
 * label the pool's own account added).
 */
export class PoolAccountIsolation1767000000000 implements MigrationInterface {
  name = 'PoolAccountIsolation1767000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(`
      UPDATE ${s}.pools
         SET node_selector = node_selector || jsonb_build_object('maas.io/account', account_id::text),
             taint = CASE
               WHEN taint->>'key' = 'maas.io/account' AND taint->>'value' <> account_id::text
                 THEN NULL
               ELSE taint
             END,
             version = version + 1,
             updated_at = now()
       WHERE node_selector->>'maas.io/account' IS DISTINCT FROM account_id::text
          OR (taint->>'key' = 'maas.io/account' AND taint->>'value' <> account_id::text)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(`
      UPDATE ${s}.pools
         SET node_selector = node_selector - 'maas.io/account', version = version + 1
       WHERE node_selector->>'maas.io/account' = account_id::text
         AND node_selector - 'maas.io/account' <> '{}'::jsonb`);
  }
}
