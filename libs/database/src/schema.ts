import { type QueryRunner } from 'typeorm';

/** A PostgreSQL identifier, double-quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The schema the DataSource works in, quoted, for the raw SQL of migrations. */
export function schemaOf(runner: QueryRunner): string {
  const { schema } = runner.connection.options as { schema?: string };
  return quoteIdent(schema ?? 'public');
}
