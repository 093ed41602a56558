import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Columns shared by both kinds of policy attachment. */
abstract class AttachmentColumns {
  @PrimaryColumn({ name: 'policy_id', type: 'uuid' })
  policyId!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  /** True: every project (and global services); false: `projectIds` only. */
  @Column({ name: 'scope_global', type: 'boolean' })
  scopeGlobal!: boolean;

  @Column({ name: 'project_ids', type: 'uuid', array: true, default: () => "'{}'" })
  projectIds!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A policy attached to a user group, with its scope: the group's members hold it. */
@Entity({ name: 'group_policies' })
export class GroupPolicyEntity extends AttachmentColumns {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' })
  groupId!: string;
}

/** A policy attached to an agency: ModelArts acting through the agency holds it. */
@Entity({ name: 'agency_policies' })
export class AgencyPolicyEntity extends AttachmentColumns {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid' })
  agencyId!: string;
}
