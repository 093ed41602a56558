import { Injectable, Logger } from '@nestjs/common';
import { TokenSigner } from '@maas/auth';
import { assertUnreachable } from '@maas/errors';
import { type AccountEntity } from '../../store/accounts/account.entity.js';
import { AccountsRepository } from '../../store/accounts/accounts.repository.js';
import { type ProjectEntity } from '../../store/accounts/project.entity.js';
import { secretKeyMatches } from '../../credentials/access-key-secrets.js';
import { AccessKeysRepository } from '../../store/users/access-keys.repository.js';
import { PasswordHasher } from '../../credentials/password-hasher.js';
import { type UserEntity } from '../../store/users/user.entity.js';
import { UsersRepository } from '../../store/users/users.repository.js';
import { type AuthMethod, type TokenRequest } from '../dto/token.request.js';
import { InvalidCredentialsError, InvalidScopeError } from '../tokens.errors.js';

export interface IssuedToken {
  token: string;
  tokenId: string;
  issuedAt: Date;
  expiresAt: Date;
  method: AuthMethod;
  user: UserEntity;
  account: AccountEntity;
  project?: ProjectEntity;
}

interface Identified {
  user: UserEntity;
  account: AccountEntity;
}

/**
 * Signs a token for a user who proves who they are with a password (user name + account
 * name) or an access key pair. Every failure to identify reads the same (401), and an unknown
 * user costs the same password check as a known one.
 */
@Injectable()
export class IssueToken {
  private readonly logger = new Logger('Tokens');

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly users: UsersRepository,
    private readonly keys: AccessKeysRepository,
    private readonly hasher: PasswordHasher,
    private readonly signer: TokenSigner,
  ) {}

  async execute(request: TokenRequest): Promise<IssuedToken> {
    const { identity, scope } = request.auth;
    const method = identity.methods[0];
    const { user, account } = await this.identify(method, identity);
    const project = scope?.project ? await this.project(account.id, scope.project) : undefined;
    // Whole seconds, as in the token's iat.
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const { token, expiresAt, tokenId } = await this.signer.issue(
      {
        accountId: account.id,
        accountName: account.name,
        userId: user.id,
        userName: user.name,
        root: user.root,
        ...(project ? { projectId: project.id } : {}),
      },
      issuedAt,
    );
    // The token id (jti) identifies the token in audit logs; the token itself is never logged.
    this.logger.log({
      msg: 'token issued',
      user_id: user.id,
      account_id: account.id,
      token_id: tokenId,
      method,
    });
    return { token, tokenId, issuedAt, expiresAt, method, user, account, project };
  }

  private identify(
    method: AuthMethod,
    identity: TokenRequest['auth']['identity'],
  ): Promise<Identified> {
    switch (method) {
      case 'password':
        return this.byPassword(identity.password?.user);
      case 'hw_ak_sk':
        return this.byAccessKey(identity.hw_ak_sk);
      default:
        return assertUnreachable(method, 'auth method');
    }
  }

  private async byPassword(
    credential: { name: string; password: string; domain: { name: string } } | undefined,
  ): Promise<Identified> {
    if (!credential) throw new InvalidCredentialsError();
    const account = await this.accounts.findByName(credential.domain.name);
    const user = account ? await this.users.findForSignIn(account.id, credential.name) : null;
    // Verified even when there is no such user (against a decoy hash): same cost, same answer.
    const ok = await this.hasher.verify(user?.passwordHash, credential.password);
    if (!ok || !user || !account) throw new InvalidCredentialsError();
    return { user, account };
  }

  private async byAccessKey(
    credential: { access: { key: string }; secret: { key: string } } | undefined,
  ): Promise<Identified> {
    if (!credential) throw new InvalidCredentialsError();
    const key = await this.keys.findForSignIn(credential.access.key);
    if (!key || !secretKeyMatches(key.secretHash, credential.secret.key))
      throw new InvalidCredentialsError();
    const [account, user] = await Promise.all([
      this.accounts.findById(key.accountId),
      this.users.findById(key.accountId, key.userId),
    ]);
    if (!account || !user) throw new InvalidCredentialsError();
    await this.keys.touch(key.accessKey);
    return { user, account };
  }

  private async project(
    accountId: string,
    ref: { id?: string; name?: string },
  ): Promise<ProjectEntity> {
    const project = ref.id
      ? await this.accounts.findProject(accountId, ref.id)
      : await this.accounts.findProjectByName(accountId, ref.name ?? '');
    if (!project) throw new InvalidScopeError();
    return project;
  }
}
