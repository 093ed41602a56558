import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actions, Ctx, Guarded, IamGuard, type RequestContext } from '@maas/auth';
import { ProjectListResponse, ProjectResponse } from './dto/account.response.js';
import { ListProjects } from './usecases/list-projects.js';

@ApiTags('projects')
@UseGuards(IamGuard)
@Controller('v3/projects')
export class ProjectsController {
  constructor(private readonly listProjects: ListProjects) {}

  @Get()
  @Guarded(Actions.projectsList, "List the account's projects (one per region)")
  @ApiOkResponse({ type: ProjectListResponse })
  async list(@Ctx() ctx: RequestContext): Promise<ProjectListResponse> {
    return { projects: (await this.listProjects.execute(ctx)).map((p) => ProjectResponse.from(p)) };
  }
}
