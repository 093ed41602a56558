/**
 * The catalog data file is malformed. Not a DomainError: it is an operator's or a
 * developer's mistake found at start-up, never a client's, and it stops the service.
 */
export class CatalogDataError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid Model Square catalog data:\n  - ${issues.join('\n  - ')}`);
    this.name = 'CatalogDataError';
  }
}
