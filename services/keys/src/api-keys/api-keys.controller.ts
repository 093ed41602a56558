import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Actions, Ctx, Guarded, IamGuard, type RequestContext } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import {
  ApiKeyListResponse,
  ApiKeyResponse,
  ApiKeyWithSecretResponse,
} from './dto/api-key.response.js';
import { CreateApiKeyRequest } from './dto/create-api-key.request.js';
import { RotateApiKeyRequest } from './dto/rotate-api-key.request.js';
import { CreateApiKey } from './usecases/create-api-key.js';
import { DeleteApiKey } from './usecases/delete-api-key.js';
import { GetApiKey } from './usecases/get-api-key.js';
import { ListApiKeys } from './usecases/list-api-keys.js';
import { RotateApiKey } from './usecases/rotate-api-key.js';

const NotFound = ApiNotFoundResponse({
  type: ErrorBodyDto,
  description: 'No such key in the project (KEYS.0101)',
});

function withSecret(result: {
  key: Parameters<typeof ApiKeyResponse.from>[0];
  secret: string;
}): ApiKeyWithSecretResponse {
  return { ...ApiKeyResponse.from(result.key), api_key: result.secret };
}

@ApiTags('api-keys')
@UseGuards(IamGuard)
@Controller('v1/:project_id/api-keys')
export class ApiKeysController {
  constructor(
    private readonly createKey: CreateApiKey,
    private readonly listKeys: ListApiKeys,
    private readonly getKey: GetApiKey,
    private readonly rotateKey: RotateApiKey,
    private readonly deleteKey: DeleteApiKey,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Guarded(
    Actions.apiKeyCreate,
    'Create an API key',
    'The secret is in this response only (store it now); it is kept as a keyed hash. At most ' +
      '30 keys per account (the quotas service may set another limit). Tag and description ' +
      'cannot be changed later. The key works in this project (region) only, for all its ' +
      'services or the named ones, optionally from listed addresses and for listed models.',
  )
  @ApiCreatedResponse({ type: ApiKeyWithSecretResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid tag, description or scope' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Tag taken in the account (KEYS.0102)' })
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description: 'The account has its maximum of keys (KEYS.0103)',
  })
  async create(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
    @Body() body: CreateApiKeyRequest,
  ): Promise<ApiKeyWithSecretResponse> {
    const allServices = body.all_services ?? true;
    const result = await this.createKey.execute(ctx, projectId, {
      tag: body.tag,
      description: body.description,
      allServices,
      serviceIds: allServices ? [] : (body.service_ids ?? []),
      allowedCidrs: body.allowed_cidrs ?? [],
      allowedModels: body.allowed_models ?? [],
    });
    return withSecret(result);
  }

  @Get()
  @Guarded(
    Actions.apiKeyList,
    "List the project's API keys",
    'With the account-wide count and limit.',
  )
  @ApiOkResponse({ type: ApiKeyListResponse })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
  ): Promise<ApiKeyListResponse> {
    const { keys, used, limit } = await this.listKeys.execute(ctx, projectId);
    const now = new Date();
    return {
      api_keys: keys.map((k) => ApiKeyResponse.from(k, now)),
      count: keys.length,
      quota: { used, limit },
    };
  }

  @Get(':key_id')
  @Guarded(Actions.apiKeyGet, 'Show an API key')
  @ApiOkResponse({ type: ApiKeyResponse })
  @NotFound
  async show(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
    @Param('key_id') id: string,
  ): Promise<ApiKeyResponse> {
    return ApiKeyResponse.from(await this.getKey.execute(ctx, projectId, id));
  }

  @Post(':key_id/rotate')
  @HttpCode(HttpStatus.OK)
  @Guarded(
    Actions.apiKeyRotate,
    'Rotate an API key',
    'Gives the key a new secret, returned in this response only. With grace_period_seconds the ' +
      'old secret keeps working until that many seconds after the rotation, then not.',
  )
  @ApiOkResponse({ type: ApiKeyWithSecretResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid grace period' })
  @NotFound
  async rotate(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
    @Param('key_id') id: string,
    @Body() body: RotateApiKeyRequest,
  ): Promise<ApiKeyWithSecretResponse> {
    return withSecret(
      await this.rotateKey.execute(ctx, projectId, id, body.grace_period_seconds ?? 0),
    );
  }

  @Delete(':key_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Guarded(
    Actions.apiKeyDelete,
    'Delete an API key',
    'The key stops working at once at every gateway (they follow maas.keys.v1) and cannot be restored.',
  )
  @ApiNoContentResponse()
  @NotFound
  async remove(
    @Ctx() ctx: RequestContext,
    @Param('project_id') projectId: string,
    @Param('key_id') id: string,
  ): Promise<void> {
    await this.deleteKey.execute(ctx, projectId, id);
  }
}
