import { ApiProperty } from '@nestjs/swagger';
import { type ProjectEntity } from '../../store/accounts/project.entity.js';
import { type CreatedAccount } from '../usecases/create-account.js';

export class ProjectResponse {
  @ApiProperty({ format: 'uuid', description: 'The project_id of admin API paths' })
  id!: string;

  @ApiProperty({ example: 'cn-southwest-2' })
  name!: string;

  @ApiProperty({ example: 'cn-southwest-2' })
  region!: string;

  static from(project: ProjectEntity): ProjectResponse {
    return { id: project.id, name: project.name, region: project.region };
  }
}

export class ProjectListResponse {
  @ApiProperty({ type: [ProjectResponse] })
  projects!: ProjectResponse[];
}

export class RootUserResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'acme' })
  name!: string;
}

export class AccountResponse {
  @ApiProperty({ format: 'uuid', example: '6f1b3c1e-8d43-4b8a-9a55-2f0f7d1e9c11' })
  id!: string;

  @ApiProperty({ example: 'acme' })
  name!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({
    description:
      'Frozen by the platform operator: inference calls of the account are refused with ' +
      'ModelArts.81006; the admin APIs keep working',
  })
  frozen!: boolean;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  frozen_at!: string | null;

  @ApiProperty({ description: "The operator's note on why it is frozen ('' when not frozen)" })
  frozen_reason!: string;

  @ApiProperty({ type: RootUserResponse })
  root_user!: RootUserResponse;

  @ApiProperty({ type: [ProjectResponse], description: 'One project per region' })
  projects!: ProjectResponse[];

  static from({ account, root, projects }: CreatedAccount): AccountResponse {
    return {
      id: account.id,
      name: account.name,
      created_at: account.createdAt.toISOString(),
      frozen: account.frozen,
      frozen_at: account.frozenAt?.toISOString() ?? null,
      frozen_reason: account.frozenReason,
      root_user: { id: root.id, name: root.name },
      projects: projects.map((p) => ProjectResponse.from(p)),
    };
  }
}
