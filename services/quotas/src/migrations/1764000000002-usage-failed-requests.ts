import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';

/**
 * The ledger also counts failed requests: the gateway records every request it can
 * attribute to an account, failed ones too (UsageRecorded.status >= 400), so `requests`
 * stays "every call" and `failed_requests` says how many of them failed. Rows counted
 * before this migration have 0 failed requests (older events carry no status).
 */
export class UsageFailedRequests1764000000002 implements MigrationInterface {
  name = 'UsageFailedRequests1764000000002';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    for (const table of ['usage_minute', 'usage_day']) {
      await runner.query(
        `ALTER TABLE ${s}.${table} ADD COLUMN failed_requests bigint NOT NULL DEFAULT 0`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    for (const table of ['usage_minute', 'usage_day']) {
      await runner.query(`ALTER TABLE ${s}.${table} DROP COLUMN failed_requests`);
    }
  }
}
