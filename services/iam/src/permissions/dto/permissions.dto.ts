import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class CheckActionRequest {
  @ApiProperty({ example: 'modelarts:pool:create', description: 'service:resource:verb' })
  @IsString()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9]+:[A-Za-z0-9]+:[A-Za-z0-9]+$/, {
    message: 'action must look like service:resource:verb',
  })
  action!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Evaluate in this project (one of the caller's); default: the token's project",
  })
  @IsOptional()
  @IsUUID('all', { message: 'project_id must be a UUID' })
  project_id?: string;
}

export class CheckActionResponse {
  @ApiProperty()
  action!: string;

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  project_id!: string | null;

  @ApiProperty({ enum: ['allow', 'explicit_deny', 'implicit_deny'] })
  decision!: 'allow' | 'explicit_deny' | 'implicit_deny';

  @ApiProperty()
  allowed!: boolean;
}

export class DependencyAuthorizationResponse {
  @ApiProperty({ example: 'OBS' })
  service!: string;

  @ApiProperty({ example: 'OBS OperateAccess' })
  policy!: string;

  @ApiProperty({
    description: 'Attached to a valid agency of a ModelArts authorization covering the caller',
  })
  authorized!: boolean;
}

export class MissingPermissionsResponse {
  @ApiProperty({
    type: [String],
    description:
      'IAM actions of seed 002 Table 2-3 the caller lacks (attach them in a custom policy, global scope)',
    example: ['iam:agencies:listAgencies'],
  })
  missing_actions!: string[];

  @ApiProperty({ type: [DependencyAuthorizationResponse] })
  dependency_authorizations!: DependencyAuthorizationResponse[];

  @ApiProperty({ description: 'A valid ModelArts authorization covers the caller' })
  modelarts_authorized!: boolean;

  @ApiProperty({ description: 'Nothing is missing' })
  complete!: boolean;
}
