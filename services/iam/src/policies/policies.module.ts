import { Module } from '@nestjs/common';
import { AttachmentsController } from './attachments.controller.js';
import { PoliciesController } from './policies.controller.js';
import { Principals } from './principals.js';
import { ScopeResolver } from './scope.js';
import { AttachPolicy } from './usecases/attach-policy.js';
import { CreatePolicy } from './usecases/create-policy.js';
import { DeletePolicy } from './usecases/delete-policy.js';
import { DetachPolicy } from './usecases/detach-policy.js';
import { GetPolicy } from './usecases/get-policy.js';
import { ListAttachedPolicies } from './usecases/list-attached-policies.js';
import { UpdatePolicy } from './usecases/update-policy.js';

@Module({
  controllers: [PoliciesController, AttachmentsController],
  providers: [
    Principals,
    ScopeResolver,
    CreatePolicy,
    GetPolicy,
    UpdatePolicy,
    DeletePolicy,
    AttachPolicy,
    DetachPolicy,
    ListAttachedPolicies,
  ],
})
export class PoliciesModule {}
