import { Module } from '@nestjs/common';
import { AgenciesController } from './agencies.controller.js';
import { CreateAgency } from './usecases/create-agency.js';
import { DeleteAgency } from './usecases/delete-agency.js';
import { GetAgency } from './usecases/get-agency.js';
import { UpdateAgency } from './usecases/update-agency.js';

@Module({
  controllers: [AgenciesController],
  providers: [CreateAgency, GetAgency, UpdateAgency, DeleteAgency],
})
export class AgenciesModule {}
