import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who a ModelArts authorization is for (seed 002 Table 2-2 "Authorized User"). */
export const AUTHORIZED_USER_TYPES = ['iam_user', 'federated_user', 'agency', 'all_users'] as const;
export type AuthorizedUserType = (typeof AUTHORIZED_USER_TYPES)[number];

/** A ModelArts authorization: its target may use ModelArts, which acts through the agency. */
@Entity({ name: 'authorizations' })
export class AuthorizationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'user_type', type: 'varchar', length: 16 })
  userType!: AuthorizedUserType;

  /** The IAM user's id (iam_user only). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  /** The IAM user's, federated user's or agency's name; null for all_users. */
  @Column({ name: 'user_name', type: 'varchar', length: 64, nullable: true })
  userName!: string | null;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
