/** What a verified IAM token says about its caller. */
export interface Caller {
  /** Account (Huawei Cloud "domain") the caller belongs to. */
  accountId: string;
  accountName: string;
  userId: string;
  userName: string;
  /** The account's root user: allowed everything in its own account. */
  root: boolean;
  /** A project-scoped token is valid only for that project; absent = account (domain) scope. */
  projectId?: string;
  /** Token id (jti), for audit logs. */
  tokenId: string;
  expiresAt: Date;
}

/** JWT claims carried by the token (short names keep the header small). */
export interface TokenClaims {
  sub: string; // user id
  jti: string;
  acc: string; // account id
  acn: string; // account name
  usr: string; // user name
  root: boolean;
  prj?: string; // project id when project-scoped
}

export const TOKEN_ISSUER = 'maas-iam';
export const TOKEN_AUDIENCE = 'maas';
