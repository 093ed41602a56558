import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
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
import { CreateAccount } from './usecases/create-account.js';
import { GetAccount } from './usecases/get-account.js';

/** The operator API: accounts are created by the platform operator, not by tenants. */
@ApiTags('accounts (operator)')
@OperatorOnly()
@Controller('v3/accounts')
export class AccountsController {
  constructor(
    private readonly createAccount: CreateAccount,
    private readonly getAccount: GetAccount,
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
}
