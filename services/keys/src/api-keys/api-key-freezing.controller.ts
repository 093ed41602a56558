import { Body, Controller, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { OperatorOnly, RequestId } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { ApiKeyResponse } from './dto/api-key.response.js';
import { SetApiKeyFrozenRequest } from './dto/set-api-key-frozen.request.js';
import { SetApiKeyFrozen } from './usecases/set-api-key-frozen.js';

/**
 * The operator API of keys: freezing one key (ModelArts.81006). Apart from the tenant routes
 * (ApiKeysController, IAM tokens): a tenant's policy, whatever it allows, never unfreezes a
 * key the operator froze.
 */
@ApiTags('api-keys (operator)')
@OperatorOnly()
@Controller('v1/:project_id/api-keys')
export class ApiKeyFreezingController {
  constructor(private readonly setFrozen: SetApiKeyFrozen) {}

  @Put(':key_id/frozen')
  @ApiOperation({
    summary: 'Freeze or unfreeze an API key (operator)',
    description:
      'Frozen, every call with the key is refused by the gateways with 401 ModelArts.81006 ' +
      '"The resource is frozen." within about a second; the key is kept (the tenant still ' +
      'sees it with status frozen, and may rotate or delete it; rotating does not unfreeze ' +
      'it). Published on maas.keys.v1 (ApiKeyChanged, status FROZEN/ACTIVE). Setting the ' +
      'state it already has changes nothing. Operator only: needs X-Operator-Token. To ' +
      'freeze a whole account, see IAM PUT /v3/accounts/{account_id}/frozen.',
  })
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body' })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'No such key in the project (KEYS.0101)',
  })
  async update(
    @Param('project_id') projectId: string,
    @Param('key_id') id: string,
    @Body() body: SetApiKeyFrozenRequest,
    @RequestId() requestId: string,
  ): Promise<ApiKeyResponse> {
    const key = await this.setFrozen.execute(
      projectId,
      id,
      { frozen: body.frozen, reason: body.reason },
      requestId,
    );
    return ApiKeyResponse.from(key);
  }
}
