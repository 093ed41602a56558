import { ApiProperty } from '@nestjs/swagger';
import { type ApiKeyEntity } from '../api-key.entity.js';

export class ApiKeyScopeResponse {
  @ApiProperty({ description: 'true: every service of the project; false: service_ids only' })
  all_services!: boolean;

  @ApiProperty({ type: [String] })
  service_ids!: string[];

  @ApiProperty({ type: [String], description: 'Empty: any client address' })
  allowed_cidrs!: string[];

  @ApiProperty({ type: [String], description: 'Empty: any model' })
  allowed_models!: string[];
}

/** An API key as listed: never the secret, only its first 7 and last 4 characters. */
export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  tag!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ format: 'uuid' })
  project_id!: string;

  @ApiProperty({ example: 'cn-southwest-2', description: 'The key works only in this region' })
  region!: string;

  @ApiProperty({ example: 'sk-AbC1…wXy9', description: 'The secret with its middle hidden' })
  masked_key!: string;

  @ApiProperty({ example: 'sk-AbC1', description: 'First 7 characters of the secret' })
  prefix!: string;

  @ApiProperty({ example: 'wXy9', description: 'Last 4 characters of the secret' })
  suffix!: string;

  @ApiProperty({ type: ApiKeyScopeResponse })
  scope!: ApiKeyScopeResponse;

  @ApiProperty({
    enum: ['active', 'frozen'],
    description:
      'frozen: the platform operator froze the key; calls with it are refused with ' +
      'ModelArts.81006 until it is unfrozen',
  })
  status!: 'active' | 'frozen';

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  frozen_at!: string | null;

  @ApiProperty({ description: "The operator's note on why it is frozen ('' when not frozen)" })
  frozen_reason!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  rotated_at!: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Last call with the key (updated asynchronously, within about a minute)',
  })
  last_used_at!: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'After a rotation with a grace period: until when the previous secret works',
  })
  previous_secret_valid_until!: string | null;

  static from(key: ApiKeyEntity, now = new Date()): ApiKeyResponse {
    const grace =
      key.previousValidUntil && key.previousValidUntil > now ? key.previousValidUntil : null;
    return {
      id: key.id,
      tag: key.tag,
      description: key.description,
      project_id: key.projectId,
      region: key.region,
      masked_key: `${key.secretPrefix}…${key.secretSuffix}`,
      prefix: key.secretPrefix,
      suffix: key.secretSuffix,
      scope: {
        all_services: key.allServices,
        service_ids: key.serviceIds,
        allowed_cidrs: key.allowedCidrs,
        allowed_models: key.allowedModels,
      },
      ...frozenState(key),
      created_at: key.createdAt.toISOString(),
      rotated_at: key.rotatedAt?.toISOString() ?? null,
      last_used_at: key.lastUsedAt?.toISOString() ?? null,
      previous_secret_valid_until: grace?.toISOString() ?? null,
    };
  }
}

function frozenState(
  key: ApiKeyEntity,
): Pick<ApiKeyResponse, 'status' | 'frozen_at' | 'frozen_reason'> {
  return {
    status: key.frozen ? 'frozen' : 'active',
    frozen_at: key.frozenAt?.toISOString() ?? null,
    frozen_reason: key.frozenReason,
  };
}

/** The create and rotate answers: the only time the secret is ever shown. */
export class ApiKeyWithSecretResponse extends ApiKeyResponse {
  @ApiProperty({
    example: 'sk-AbC1dEf2GhI3jKl4MnO5pQr6StU7vWx8YzA9bCd0eFg',
    description: 'The secret. Shown only in this response and never again: store it now.',
  })
  api_key!: string;
}

export class ApiKeyQuotaResponse {
  @ApiProperty({ description: 'Keys the account has, in all its projects' })
  used!: number;

  @ApiProperty({ description: 'Keys the account may have (default 30)' })
  limit!: number;
}

export class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyResponse] })
  api_keys!: ApiKeyResponse[];

  @ApiProperty()
  count!: number;

  @ApiProperty({ type: ApiKeyQuotaResponse })
  quota!: ApiKeyQuotaResponse;
}
