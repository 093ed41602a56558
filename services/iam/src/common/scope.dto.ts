import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsUUID, ValidateIf } from 'class-validator';

export const SCOPES = ['global', 'projects'] as const;
export type ScopeKind = (typeof SCOPES)[number];

/** Where an attached policy applies: everywhere, or in the listed projects (regions) only. */
export class ScopeRequest {
  @ApiProperty({
    enum: SCOPES,
    description: '`global`: every project and global services; `projects`: the listed ones',
    example: 'global',
  })
  @IsIn(SCOPES)
  scope!: ScopeKind;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: "With scope `projects`: 1-100 of the account's project ids",
  })
  @ValidateIf((o: ScopeRequest) => o.scope === 'projects' || o.project_ids !== undefined)
  @ArrayMinSize(1, { message: 'project_ids must list at least one project when scope is projects' })
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'each of project_ids must be a UUID' })
  project_ids?: string[];
}

export class ScopeResponse {
  @ApiProperty({ enum: SCOPES })
  scope!: ScopeKind;

  @ApiProperty({ type: [String], description: 'Empty for a global scope' })
  project_ids!: string[];

  static from(row: { scopeGlobal: boolean; projectIds: string[] }): ScopeResponse {
    return row.scopeGlobal
      ? { scope: 'global', project_ids: [] }
      : { scope: 'projects', project_ids: row.projectIds };
  }
}
