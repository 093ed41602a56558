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
import { ErrorBodyDto } from '@maas/errors';
import { AccountResponse } from './dto/account.response.js';
import { CreateAccountRequest } from './dto/create-account.request.js';
import { CreateAccount } from './usecases/create-account.js';
import { GetAccount } from './usecases/get-account.js';

@ApiTags('accounts')
@Controller('v3/accounts')
export class AccountsController {
  constructor(
    private readonly createAccount: CreateAccount,
    private readonly getAccount: GetAccount,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: AccountResponse })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Invalid body' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'Name taken (IAM.0102)' })
  async create(@Body() body: CreateAccountRequest): Promise<AccountResponse> {
    return AccountResponse.from(await this.createAccount.execute(body));
  }

  @Get(':account_id')
  @ApiOperation({ summary: 'Show an account' })
  @ApiOkResponse({ type: AccountResponse })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such account (IAM.0101)' })
  async show(@Param('account_id') id: string): Promise<AccountResponse> {
    return AccountResponse.from(await this.getAccount.execute(id));
  }
}
