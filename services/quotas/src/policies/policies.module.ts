import { Module } from '@nestjs/common';
import { PoliciesController } from './policies.controller.js';
import { DeletePolicy } from './usecases/delete-policy.js';
import { ListPolicies } from './usecases/list-policies.js';
import { SetKeyPolicy } from './usecases/set-key-policy.js';

@Module({
  controllers: [PoliciesController],
  providers: [ListPolicies, SetKeyPolicy, DeletePolicy],
})
export class PoliciesModule {}
