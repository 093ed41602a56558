import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import {
  type AttachedPolicy,
  AttachmentsRepository,
  type Principal,
} from '../../store/policies/attachments.repository.js';
import { Principals } from '../principals.js';

@Injectable()
export class ListAttachedPolicies {
  constructor(
    private readonly attachments: AttachmentsRepository,
    private readonly principals: Principals,
  ) {}

  async execute({ caller }: RequestContext, principal: Principal): Promise<AttachedPolicy[]> {
    await this.principals.check(caller.accountId, principal);
    return this.attachments.list(principal);
  }
}
