const SCHEMA = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Checks a PostgreSQL schema name before it is spliced into SQL: lowercase letters, digits
 * and underscores, at most 48 characters (so the notification channel name fits in 63).
 */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA.test(schema)) {
    throw new Error(`invalid schema name "${schema}": use [a-z_][a-z0-9_]*, at most 48 characters`);
  }
  return schema;
}

/** The LISTEN/NOTIFY channel on which a schema's outbox announces new rows. */
export function outboxChannel(schema: string): string {
  return `maas_outbox_${assertSchemaName(schema)}`;
}
