import { Injectable } from '@nestjs/common';
import { type MessageInitShape } from '@bufbuild/protobuf';
import { type Timestamp, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type EntityManager } from 'typeorm';
import { type EventInput, UserPermissionsChangedSchema, type UserPolicySchema } from '@maas/events';
import { PermissionsRepository, type SnapshotSubject } from './permissions.repository.js';

/** A user who no longer exists: their last snapshot says `deleted`. */
export type DeletedSubject = Omit<SnapshotSubject, 'accountName'> & { accountName?: string };

/**
 * Builds `UserPermissionsChanged` snapshots: everything another service needs to authorize
 * the user (policies with scopes, ModelArts authorization), read inside the transaction
 * that changed it.
 */
@Injectable()
export class PermissionSnapshots {
  constructor(private readonly permissions: PermissionsRepository) {}

  async of(userId: string, manager: EntityManager): Promise<EventInput | undefined> {
    const user = await this.permissions.subject(userId, manager);
    if (!user) return undefined;
    const [held, covering] = await Promise.all([
      this.permissions.heldPolicies(user.id, manager),
      this.permissions.coveringAuthorizations(user.accountId, user.id, manager),
    ]);
    const unlimited = covering.some((c) => c.expiresAt === null);
    const latest = covering
      .map((c) => c.expiresAt)
      .filter((d): d is Date => d !== null)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    return snapshotEvent(user, {
      policies: held.map((p) => ({
        policyId: p.policyId,
        name: p.name,
        documentJson: JSON.stringify(p.document),
        scopeGlobal: p.scopeGlobal,
        projectIds: p.projectIds,
        groupId: p.groupId,
      })),
      modelartsAuthorized: covering.length > 0,
      ...(covering.length > 0 && !unlimited && latest
        ? { modelartsAuthorizedUntil: timestampFromDate(latest) }
        : {}),
    });
  }

  deleted(user: DeletedSubject): EventInput {
    return snapshotEvent(user, { deleted: true });
  }
}

/** What a snapshot says beyond who the user is. */
interface SnapshotState {
  deleted?: boolean;
  policies?: MessageInitShape<typeof UserPolicySchema>[];
  modelartsAuthorized?: boolean;
  modelartsAuthorizedUntil?: Timestamp;
}

function snapshotEvent(
  user: DeletedSubject,
  rest: SnapshotState,
): EventInput<typeof UserPermissionsChangedSchema> {
  return {
    schema: UserPermissionsChangedSchema,
    payload: {
      accountId: user.accountId,
      accountName: user.accountName ?? '',
      userId: user.id,
      userName: user.name,
      root: user.root,
      ...rest,
    },
    accountId: user.accountId,
    aggregateType: 'user',
    aggregateId: user.id,
  };
}
