import { QueryFailedError } from 'typeorm';

/** PostgreSQL's SQLSTATE for a unique constraint violation. */
export const UNIQUE_VIOLATION = '23505';

/**
 * True when a query failed on a unique constraint; with `constraint`, only on that one
 * (so a repository can tell "name taken" from any other duplicate).
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = error.driverError as { code?: string; constraint?: string };
  return (
    driver.code === UNIQUE_VIOLATION &&
    (constraint === undefined || driver.constraint === constraint)
  );
}
