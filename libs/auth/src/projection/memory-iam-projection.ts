import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  type AccountChanged,
  AccountChangedSchema,
  type Envelope,
  type ProjectChanged,
  ProjectChangedSchema,
  unpackPayload,
  type UserPermissionsChanged,
  UserPermissionsChangedSchema,
} from '@maas/events';
import type { CallerPermissions, PermissionSource } from '../guard/permission-source.js';
import type { PolicyDocument, ScopedPolicy } from '../policy/policy.js';

interface UserEntry {
  accountId: string;
  deleted: boolean;
  permissions: CallerPermissions;
  modelartsAuthorized: boolean;
  modelartsAuthorizedUntil?: Date;
  at: number;
}

/** A project as the projection knows it. */
export interface MemoryIamProject {
  projectId: string;
  accountId: string;
  region: string;
  name: string;
}

interface ProjectEntry extends MemoryIamProject {
  deleted: boolean;
  at: number;
}

/** An account's frozen state (AccountChanged). */
export interface MemoryIamAccount {
  accountId: string;
  name: string;
  frozen: boolean;
  frozenAt?: Date;
  frozenReason: string;
  version: bigint;
}

/** What applying one maas.iam.v1 message did. */
export type IamApplyOutcome = 'applied' | 'stale' | 'skipped';

/**
 * IAM as a process without a database (the gateway) holds it: the `UserPermissionsChanged`,
 * `ProjectChanged` and `AccountChanged` snapshots of `maas.iam.v1`, in memory, rebuilt at
 * every start by replaying the topic from its beginning (MemoryIamProjectionConsumer; the
 * topic keeps every message, retention.ms=-1). The same snapshot semantics as the
 * database-backed IamProjection: per user and per project the snapshot with the latest
 * occurred-at wins (an equal one arriving later wins too, as the table's `<=`), per account
 * the highest version; an older snapshot never overwrites a newer one, and a deleted user or
 * project is remembered as deleted so a replayed older snapshot cannot revive it.
 *
 * A `PermissionSource` (IamGuard's evaluation, or `authorizeToken` per request), plus the
 * synchronous lookups a hot path needs: `isAccountFrozen` (ModelArts.81006, seed 002 Table
 * 4-19), `accountOfProject`, `project`.
 */
export class MemoryIamProjection implements PermissionSource {
  private readonly users = new Map<string, UserEntry>();
  private readonly projects = new Map<string, ProjectEntry>();
  private readonly accounts = new Map<string, MemoryIamAccount>();
  private readonly now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    this.now = options.now ?? (() => new Date());
  }

  /** How many users, projects and accounts it holds (deleted ones included). */
  get size(): { users: number; projects: number; accounts: number } {
    return { users: this.users.size, projects: this.projects.size, accounts: this.accounts.size };
  }

  // ---- queries -------------------------------------------------------------------------

  /** The user's policies (undefined: unknown, deleted, or of another account). */
  userPermissions(accountId: string, userId: string): CallerPermissions | undefined {
    const user = this.users.get(userId);
    if (!user || user.deleted || user.accountId !== accountId) return undefined;
    return user.permissions;
  }

  permissionsOf(accountId: string, userId: string): Promise<CallerPermissions | undefined> {
    return Promise.resolve(this.userPermissions(accountId, userId));
  }

  /** A project that exists (not deleted), or undefined. */
  project(projectId: string): MemoryIamProject | undefined {
    const entry = this.projects.get(projectId);
    if (!entry || entry.deleted) return undefined;
    const { accountId, region, name } = entry;
    return { projectId, accountId, region, name };
  }

  /** Whether the project exists and belongs to the account. */
  ownsProject(projectId: string, accountId: string): boolean {
    return this.project(projectId)?.accountId === accountId;
  }

  projectBelongsTo(projectId: string, accountId: string): Promise<boolean> {
    return Promise.resolve(this.ownsProject(projectId, accountId));
  }

  /** The account an existing project belongs to. */
  accountOfProject(projectId: string): string | undefined {
    return this.project(projectId)?.accountId;
  }

  /**
   * Whether the platform operator froze the account: every inference call of it is refused
   * with ModelArts.81006. An account the projection has no AccountChanged of is not frozen.
   */
  isAccountFrozen(accountId: string): boolean {
    return this.accounts.get(accountId)?.frozen ?? false;
  }

  account(accountId: string): MemoryIamAccount | undefined {
    return this.accounts.get(accountId);
  }

  /** Whether a ModelArts authorization (not expired) covers the user. */
  isModelArtsAuthorized(accountId: string, userId: string): boolean {
    const user = this.users.get(userId);
    if (!user || user.deleted || user.accountId !== accountId || !user.modelartsAuthorized) {
      return false;
    }
    const until = user.modelartsAuthorizedUntil;
    return until === undefined || until > this.now();
  }

  // ---- updates -------------------------------------------------------------------------

  /**
   * Applies one message of maas.iam.v1 (its envelope): the three snapshots are applied,
   * every other message (the fine-grained events) is skipped. Throws if a snapshot's payload
   * cannot be decoded (the consumer logs and skips it).
   */
  applyEnvelope(envelope: Envelope): IamApplyOutcome {
    const at = envelope.occurredAt ? timestampDate(envelope.occurredAt) : new Date(0);
    switch (envelope.type) {
      case UserPermissionsChangedSchema.typeName:
        return this.applyUser(required(unpackPayload(envelope, UserPermissionsChangedSchema)), at);
      case ProjectChangedSchema.typeName:
        return this.applyProject(required(unpackPayload(envelope, ProjectChangedSchema)), at);
      case AccountChangedSchema.typeName:
        return this.applyAccount(required(unpackPayload(envelope, AccountChangedSchema)));
      default:
        return 'skipped';
    }
  }

  /** A user's permissions snapshot, as of `occurredAt` (the envelope's). */
  applyUser(p: UserPermissionsChanged, occurredAt: Date): IamApplyOutcome {
    const at = occurredAt.getTime();
    const known = this.users.get(p.userId);
    if (known && known.at > at) return 'stale';
    // Parsed once here, not per request; a malformed document throws before anything changes.
    const policies: ScopedPolicy[] = p.policies.map((x) => ({
      document: JSON.parse(x.documentJson) as PolicyDocument,
      scope: x.scopeGlobal ? { kind: 'global' } : { kind: 'projects', projectIds: x.projectIds },
    }));
    this.users.set(p.userId, {
      accountId: p.accountId,
      deleted: p.deleted,
      permissions: { policies },
      modelartsAuthorized: p.modelartsAuthorized,
      ...(p.modelartsAuthorizedUntil
        ? { modelartsAuthorizedUntil: timestampDate(p.modelartsAuthorizedUntil) }
        : {}),
      at,
    });
    return 'applied';
  }

  /** A project's snapshot, as of `occurredAt`. */
  applyProject(p: ProjectChanged, occurredAt: Date): IamApplyOutcome {
    const at = occurredAt.getTime();
    const known = this.projects.get(p.projectId);
    if (known && known.at > at) return 'stale';
    this.projects.set(p.projectId, {
      projectId: p.projectId,
      accountId: p.accountId,
      region: p.region,
      name: p.name,
      deleted: p.deleted,
      at,
    });
    return 'applied';
  }

  /** An account's snapshot; ordered by its version (only a higher one wins). */
  applyAccount(p: AccountChanged): IamApplyOutcome {
    const known = this.accounts.get(p.accountId);
    if (known && known.version >= p.version) return 'stale';
    this.accounts.set(p.accountId, {
      accountId: p.accountId,
      name: p.name,
      frozen: p.frozen,
      ...(p.frozenAt ? { frozenAt: timestampDate(p.frozenAt) } : {}),
      frozenReason: p.frozenReason,
      version: p.version,
    });
    return 'applied';
  }
}

function required<T>(payload: T | undefined): T {
  if (payload === undefined) throw new Error('the payload does not match the envelope type');
  return payload;
}
