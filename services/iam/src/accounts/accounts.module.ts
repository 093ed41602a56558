import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller.js';
import { ProjectsController } from './projects.controller.js';
import { RegionProjectsOnBoot } from './region-projects.service.js';
import { CreateAccount } from './usecases/create-account.js';
import { EnsureAccount } from './usecases/ensure-account.js';
import { GetAccount } from './usecases/get-account.js';
import { ListProjects } from './usecases/list-projects.js';
import { SetAccountFrozen } from './usecases/set-account-frozen.js';
import { SyncRegionProjects } from './usecases/sync-region-projects.js';

@Module({
  controllers: [AccountsController, ProjectsController],
  providers: [
    CreateAccount,
    EnsureAccount,
    GetAccount,
    ListProjects,
    SetAccountFrozen,
    SyncRegionProjects,
    RegionProjectsOnBoot,
  ],
  exports: [EnsureAccount],
})
export class AccountsModule {}
