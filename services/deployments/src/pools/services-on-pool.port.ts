import { type EntityManager } from 'typeorm';

/**
 * What pools need to know about the services on them: a pool with services cannot be
 * deleted, nor can a flavor a service uses be removed from it (SPEC §4). Declared here and
 * implemented by model-services, which owns the services table and provides this port
 * globally — pools never import model-services (they are one layer below it).
 */
export abstract class ServicesOnPool {
  /**
   * Names of the services on the pool, deleting ones included (optionally: only those on
   * these flavors), by name. Pass the transaction's manager to read inside it.
   */
  abstract serviceNamesOn(
    poolId: string,
    flavorIds?: readonly string[],
    manager?: EntityManager,
  ): Promise<string[]>;
}
