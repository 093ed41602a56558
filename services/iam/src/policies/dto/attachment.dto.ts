import { ApiProperty } from '@nestjs/swagger';
import { ScopeResponse } from '../../common/scope.dto.js';
import { type AttachedPolicy } from '../../store/policies/attachments.repository.js';

export class AttachedPolicyResponse extends ScopeResponse {
  @ApiProperty({ format: 'uuid' })
  policy_id!: string;

  @ApiProperty()
  policy_name!: string;

  @ApiProperty({ enum: ['system', 'custom'] })
  policy_type!: 'system' | 'custom';

  static of(attached: AttachedPolicy): AttachedPolicyResponse {
    return {
      policy_id: attached.policy.id,
      policy_name: attached.policy.name,
      policy_type: attached.policy.system ? 'system' : 'custom',
      ...ScopeResponse.from(attached),
    };
  }
}

export class AttachedPolicyListResponse {
  @ApiProperty({ type: [AttachedPolicyResponse] })
  policies!: AttachedPolicyResponse[];
}
