import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';

/**
 * IAM's projection of the account limits the quotas service publishes (QuotaLimitsChanged on
 * maas.quotas.v1): max agencies per account, with the snapshot's version.
 */
export class AccountQuotas1764300000000 implements MigrationInterface {
  name = 'AccountQuotas1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE ${schemaOf(runner)}.account_quotas (
        account_id text PRIMARY KEY,
        max_agencies integer NOT NULL,
        version bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${schemaOf(runner)}.account_quotas`);
  }
}
