import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { type AccessKeyEntity } from '../../store/users/access-key.entity.js';

export class CreateAccessKeyRequest {
  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;
}

export class AccessKeyResponse {
  @ApiProperty({ description: 'Access key id (AK)', example: 'QWERTYUIOPASDFGHJKL1' })
  access_key!: string;

  @ApiProperty({ format: 'uuid' })
  user_id!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  last_used_at!: string | null;

  static from(key: AccessKeyEntity): AccessKeyResponse {
    return {
      access_key: key.accessKey,
      user_id: key.userId,
      description: key.description,
      created_at: key.createdAt.toISOString(),
      last_used_at: key.lastUsedAt?.toISOString() ?? null,
    };
  }
}

export class CreatedAccessKeyResponse extends AccessKeyResponse {
  @ApiProperty({
    description: 'Secret access key (SK). Shown only in this response: store it now.',
  })
  secret_key!: string;
}

export class AccessKeyListResponse {
  @ApiProperty({ type: [AccessKeyResponse] })
  access_keys!: AccessKeyResponse[];
}
