import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  Actions,
  IamGuard,
  ProjectCtx,
  ProjectGuarded,
  type ProjectRequestContext,
} from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { ConfirmDeleteRequest } from '../common/confirm.js';
import {
  CreatePoolRequest,
  PoolListResponse,
  PoolResponse,
  UpdatePoolRequest,
} from './dto/pool.dto.js';
import { CreatePool } from './usecases/create-pool.js';
import { DeletePool } from './usecases/delete-pool.js';
import { GetPool } from './usecases/get-pool.js';
import { UpdatePool } from './usecases/update-pool.js';

const Invalid = ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A field is invalid' });

/** Dedicated resource pools of a project (seed 002 §3): Kubernetes nodes exclusive to it. */
@ApiTags('resource pools')
@UseGuards(IamGuard)
@Controller('v1/:project_id/pools')
export class PoolsController {
  constructor(
    private readonly creating: CreatePool,
    private readonly reading: GetPool,
    private readonly updating: UpdatePool,
    private readonly deleting: DeletePool,
  ) {}

  @Post()
  @ProjectGuarded(Actions.poolCreate, 'Create a dedicated resource pool')
  @ApiCreatedResponse({ type: PoolResponse })
  @Invalid
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The name is taken in the project' })
  create(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Body() body: CreatePoolRequest,
  ): Promise<PoolResponse> {
    return this.creating.execute(ctx, body);
  }

  @Get()
  @ProjectGuarded(Actions.poolList, "List the project's pools with their live capacity")
  @ApiOkResponse({ type: PoolListResponse })
  list(@ProjectCtx() ctx: ProjectRequestContext): Promise<PoolListResponse> {
    return this.reading.list(ctx);
  }

  @Get(':pool_id')
  @ProjectGuarded(
    Actions.poolGet,
    'Show a pool with its live capacity',
    "Capacity and free NPUs are read from the Kubernetes API: the pool's Ready nodes' " +
      'allocatable NPUs minus the NPU requests of the non-terminated pods on them.',
  )
  @ApiOkResponse({ type: PoolResponse })
  get(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('pool_id') poolId: string,
  ): Promise<PoolResponse> {
    return this.reading.one(ctx, poolId);
  }

  @Put(':pool_id')
  @ProjectGuarded(
    Actions.poolUpdate,
    "Change a pool's description, node selection, taint or flavors",
  )
  @ApiOkResponse({ type: PoolResponse })
  @Invalid
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'A removed flavor is in use' })
  update(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('pool_id') poolId: string,
    @Body() body: UpdatePoolRequest,
  ): Promise<PoolResponse> {
    return this.updating.execute(ctx, poolId, body);
  }

  @Delete(':pool_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ProjectGuarded(
    Actions.poolDelete,
    'Delete a pool that has no services',
    'Needs {"confirm": "DELETE"}.',
  )
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The pool still has services' })
  async remove(
    @ProjectCtx() ctx: ProjectRequestContext,
    @Param('pool_id') poolId: string,
    @Body() body: ConfirmDeleteRequest,
  ): Promise<void> {
    await this.deleting.execute(ctx, poolId, body?.confirm);
  }
}
