import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsController } from './accounts.controller.js';
import { AccountEntity } from './accounts.entity.js';
import { AccountsRepository } from './accounts.repository.js';
import { CreateAccount } from './usecases/create-account.js';
import { GetAccount } from './usecases/get-account.js';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity])],
  controllers: [AccountsController],
  providers: [AccountsRepository, CreateAccount, GetAccount],
})
export class AccountsModule {}
