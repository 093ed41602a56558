import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { OperatorOnly, RequestId } from '@maas/auth';
import { ErrorBodyDto } from '@maas/errors';
import { AccountResponse } from './dto/account.response.js';
import { CreateAccountRequest } from './dto/create-account.request.js';
import { SetAccountFrozenRequest } from './dto/set-account-frozen.request.js';
import { CreateAccount } from './usecases/create-account.js';
import { GetAccount } from './usecases/get-account.js';
import { SetAccountFrozen } from './usecases/set-account-frozen.js';

/** The operator API: accounts are created by the platform operator, not by tenants. */
@ApiTags('accounts (operator)')
@OperatorOnly()
@Controller('v3/accounts')
export class AccountsController {
  constructor(
    private readonly createAccount: CreateAccount,
    private readonly getAccount: GetAccount,
    private readonly setAccountFrozen: SetAccountFrozen,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create an account',
    description:
      'Creates an account (domain), its root user (named like the account) and one project ' +
      'per configured region. Operator only: needs X-Operator-Token.',
  })
  @ApiCreatedResponse({ type: AccountResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Name taken (IAM.0102)' })
  async create(
    @Body() body: CreateAccountRequest,
    @RequestId() requestId: string,
  ): Promise<AccountResponse> {
    const created = await this.createAccount.execute(
      { name: body.name, rootPassword: body.root_password },
      requestId,
    );
    return AccountResponse.from(created);
  }

  @Get(':account_id')
  @ApiOperation({
    summary: 'Show an account',
    description: 'Operator only: needs X-Operator-Token.',
  })
  @ApiOkResponse({ type: AccountResponse })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such account (IAM.0101)' })
  async show(@Param('account_id') id: string): Promise<AccountResponse> {
    return AccountResponse.from(await this.getAccount.execute(id));
  }

  @Put(':account_id/frozen')
  @ApiOperation({
    summary: 'Freeze or unfreeze an account',
    description:
      'Frozen, every inference call of the account (any API key, any IAM token) is refused ' +
      'by the gateways with 401 ModelArts.81006 "The resource is frozen." within about a ' +
      'second; the admin APIs keep working (tokens are still issued, keys can be listed and ' +
      'deleted). Published on maas.iam.v1 as AccountChanged. Setting the state it already ' +
      'has changes nothing. Operator only: needs X-Operator-Token.',
  })
  @ApiOkResponse({ type: AccountResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such account (IAM.0101)' })
  async setFrozen(
    @Param('account_id') id: string,
    @Body() body: SetAccountFrozenRequest,
    @RequestId() requestId: string,
  ): Promise<AccountResponse> {
    await this.setAccountFrozen.execute(
      id,
      { frozen: body.frozen, reason: body.reason },
      requestId,
    );
    return AccountResponse.from(await this.getAccount.execute(id));
  }
}
