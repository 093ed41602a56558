import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actions, IamGuard } from '@maas/auth';
import { Guarded } from '../common/action.decorator.js';
import { Ctx, type RequestContext } from '../common/request-context.js';
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
