import { Module } from '@nestjs/common';
import { TokensController } from './tokens.controller.js';
import { IssueToken } from './usecases/issue-token.js';

@Module({ controllers: [TokensController], providers: [IssueToken] })
export class TokensModule {}
