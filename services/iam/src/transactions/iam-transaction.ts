import { type EntityManager } from 'typeorm';
import { type EventInput } from '@maas/events';
import { type DeletedSubject } from '../store/permissions/permission-snapshots.js';

/**
 * One IAM change in progress: the transaction's EntityManager, the events it will publish,
 * and the users whose effective permissions it changed. Everything is appended to the outbox
 * when the change commits (see IamTransactions).
 */
export class IamTransaction {
  private readonly pending: EventInput[] = [];
  private readonly affected = new Set<string>();
  private readonly gone = new Map<string, DeletedSubject>();

  constructor(
    readonly manager: EntityManager,
    readonly requestId?: string,
  ) {}

  /** Publishes an event with this change (appended in call order). */
  emit(event: EventInput): void {
    this.pending.push(this.requestId ? { ...event, requestId: this.requestId } : event);
  }

  /** These users' effective permissions may have changed: each gets a new snapshot. */
  permissionsChanged(userIds: Iterable<string>): void {
    for (const id of userIds) this.affected.add(id);
  }

  /** The user is being deleted: their last snapshot says so. */
  userDeleted(user: DeletedSubject): void {
    this.gone.set(user.id, user);
    this.affected.add(user.id);
  }

  get events(): readonly EventInput[] {
    return this.pending;
  }

  get affectedUsers(): readonly string[] {
    return [...this.affected];
  }

  deletedUser(id: string): DeletedSubject | undefined {
    return this.gone.get(id);
  }
}
