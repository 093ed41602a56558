import { DomainError } from '@maas/errors';
import { type FieldProblem, InvalidFieldsError } from '../validation/invalid-fields.error.js';

export enum PoolErrorCode {
  PoolNotFound = 'DEPLOY.0501',
  PoolNameTaken = 'DEPLOY.0502',
  PoolInUse = 'DEPLOY.0503',
  InvalidPool = 'DEPLOY.0504',
  FlavorInUse = 'DEPLOY.0505',
  PoolModified = 'DEPLOY.0506',
}

export class PoolNotFoundError extends DomainError {
  constructor(poolId: string) {
    super(PoolErrorCode.PoolNotFound, 'not_found', `Resource pool ${poolId} does not exist`, {
      details: { pool_id: poolId },
    });
  }
}

export class PoolNameTakenError extends DomainError {
  constructor(name: string) {
    super(
      PoolErrorCode.PoolNameTaken,
      'conflict',
      `A resource pool named ${name} already exists in this project`,
      { details: { fields: [{ field: 'name', messages: [`name ${name} is taken`] }] } },
    );
  }
}

export class PoolInUseError extends DomainError {
  constructor(poolId: string, services: readonly string[]) {
    super(
      PoolErrorCode.PoolInUse,
      'conflict',
      `Resource pool ${poolId} still has ${services.length} service(s) (${services.join(', ')}); delete them first`,
      { details: { pool_id: poolId, services } },
    );
  }
}

/** 400 naming every bad pool field. */
export class InvalidPoolError extends InvalidFieldsError {
  constructor(problems: readonly FieldProblem[]) {
    super(PoolErrorCode.InvalidPool, 'Invalid resource pool', problems);
  }
}

export class FlavorInUseError extends DomainError {
  constructor(flavors: readonly string[], services: readonly string[]) {
    super(
      PoolErrorCode.FlavorInUse,
      'conflict',
      `Flavor(s) ${flavors.join(', ')} are used by service(s) ${services.join(', ')}; they cannot be removed from the pool`,
      { details: { flavors, services } },
    );
  }
}

export class PoolModifiedError extends DomainError {
  constructor(poolId: string) {
    super(
      PoolErrorCode.PoolModified,
      'conflict',
      `Resource pool ${poolId} was changed by another request meanwhile; read it again and retry`,
      { details: { pool_id: poolId } },
    );
  }
}
