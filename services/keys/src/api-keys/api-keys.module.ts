import { Module } from '@nestjs/common';
import { ApiKeyFreezingController } from './api-key-freezing.controller.js';
import { ApiKeysController } from './api-keys.controller.js';
import { CreateApiKey } from './usecases/create-api-key.js';
import { DeleteApiKey } from './usecases/delete-api-key.js';
import { GetApiKey } from './usecases/get-api-key.js';
import { ListApiKeys } from './usecases/list-api-keys.js';
import { RotateApiKey } from './usecases/rotate-api-key.js';
import { SetApiKeyFrozen } from './usecases/set-api-key-frozen.js';

@Module({
  controllers: [ApiKeysController, ApiKeyFreezingController],
  providers: [CreateApiKey, ListApiKeys, GetApiKey, RotateApiKey, DeleteApiKey, SetApiKeyFrozen],
})
export class ApiKeysModule {}
