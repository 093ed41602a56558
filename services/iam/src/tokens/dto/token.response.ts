import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class DomainInfo {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}

class UserInfo {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: DomainInfo })
  domain!: DomainInfo;
}

class ProjectInfo {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'cn-southwest-2' })
  name!: string;

  @ApiProperty({ type: DomainInfo })
  domain!: DomainInfo;
}

class TokenInfo {
  @ApiProperty({ format: 'date-time' })
  expires_at!: string;

  @ApiProperty({ format: 'date-time' })
  issued_at!: string;

  @ApiProperty({ type: [String], example: ['password'] })
  methods!: string[];

  @ApiProperty({ type: UserInfo })
  user!: UserInfo;

  @ApiPropertyOptional({ type: ProjectInfo, description: 'Present for a project-scoped token' })
  project?: ProjectInfo;

  @ApiPropertyOptional({ type: DomainInfo, description: 'Present for an account-scoped token' })
  domain?: DomainInfo;
}

/** The token itself is in the X-Subject-Token response header, never in the body. */
export class TokenResponse {
  @ApiProperty({ type: TokenInfo })
  token!: TokenInfo;
}

export class JwksResponse {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Ed25519 public keys (OKP JWKs) that verify IAM tokens',
  })
  keys!: Record<string, unknown>[];
}
