import { describe, expect, it } from 'vitest';
import { outboxEntity, outboxMigration } from './outbox.schema.js';
import { outboxChannel } from './schema-name.js';

describe('outboxMigration', () => {
  it('creates schema-qualified outbox and inbox tables and the notify trigger', () => {
    const { up, down } = outboxMigration('iam');
    const sql = up.join('\n');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "iam".outbox');
    expect(sql).toContain('event_id uuid NOT NULL UNIQUE');
    expect(sql).toContain('PRIMARY KEY (consumer, event_id)');
    expect(sql).toContain(`pg_notify('maas_outbox_iam', '')`);
    expect(down).toContain('DROP TABLE IF EXISTS "iam".outbox');
  });

  it('refuses schema names that are not plain identifiers', () => {
    for (const bad of ['Iam', 'iam"; drop table x; --', '', '1abc', 'a'.repeat(49)]) {
      expect(() => outboxMigration(bad)).toThrow(/invalid schema name/);
      expect(() => outboxEntity(bad)).toThrow(/invalid schema name/);
    }
    expect(outboxChannel('a'.repeat(48)).length).toBeLessThanOrEqual(63);
  });
});
