import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import {
  type AttachedPolicy,
  AttachmentsRepository,
} from '../../store/policies/attachments.repository.js';
import { AuthorizationNotFoundError } from '../../store/authorizations/authorizations.errors.js';
import {
  type AuthorizationWithAgency,
  AuthorizationsRepository,
} from '../../store/authorizations/authorizations.repository.js';

export interface AuthorizationView {
  authorization: AuthorizationWithAgency;
  /** The agency's policies ("View Permissions"). */
  policies: AttachedPolicy[];
}

@Injectable()
export class ListAuthorizations {
  constructor(
    private readonly authorizations: AuthorizationsRepository,
    private readonly attachments: AttachmentsRepository,
  ) {}

  async list({ caller }: RequestContext): Promise<AuthorizationView[]> {
    const all = await this.authorizations.list(caller.accountId);
    const policiesOf = new Map<string, AttachedPolicy[]>();
    for (const agencyId of new Set(all.map((z) => z.agencyId))) {
      policiesOf.set(agencyId, await this.attachments.list({ kind: 'agency', id: agencyId }));
    }
    return all.map((z) => ({ authorization: z, policies: policiesOf.get(z.agencyId) ?? [] }));
  }

  async get({ caller }: RequestContext, id: string): Promise<AuthorizationView> {
    const authorization = await this.authorizations.findById(caller.accountId, id);
    if (!authorization) throw new AuthorizationNotFoundError(id);
    const policies = await this.attachments.list({ kind: 'agency', id: authorization.agencyId });
    return { authorization, policies };
  }
}
