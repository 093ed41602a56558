import { Module } from '@nestjs/common';
import { CreateAccessKey } from './usecases/create-access-key.js';
import { CreateUser } from './usecases/create-user.js';
import { DeleteAccessKey } from './usecases/delete-access-key.js';
import { DeleteUser } from './usecases/delete-user.js';
import { GetUser } from './usecases/get-user.js';
import { ListAccessKeys } from './usecases/list-access-keys.js';
import { ListUsers } from './usecases/list-users.js';
import { UpdateUser } from './usecases/update-user.js';
import { UsersController } from './users.controller.js';

@Module({
  controllers: [UsersController],
  providers: [
    CreateUser,
    ListUsers,
    GetUser,
    UpdateUser,
    DeleteUser,
    CreateAccessKey,
    ListAccessKeys,
    DeleteAccessKey,
  ],
})
export class UsersModule {}
