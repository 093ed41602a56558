import { Global, Module } from '@nestjs/common';
import { ServiceRemovalHook } from '../model-services/service-removal.port.js';
import { ModelServicesModule } from '../model-services/model-services.module.js';
import { PresetAccessRevoker } from './preset-access-revoker.js';
import { PresetAccessRepository } from './preset-access.repository.js';
import { PresetServicesOperatorController } from './preset-services-operator.controller.js';
import { PresetServicesController } from './preset-services.controller.js';
import { PublishPreset } from './usecases/publish-preset.js';
import { ReadPresets } from './usecases/read-presets.js';
import { SetPresetAccess } from './usecases/set-preset-access.js';

/**
 * Preset services (SPEC §8): the operator publishes, tenants list and enable. Global only to
 * provide the store's ServiceRemovalHook (a removed service's access rows): model-services
 * declares that port and never imports this folder.
 */
@Global()
@Module({
  imports: [ModelServicesModule],
  controllers: [PresetServicesOperatorController, PresetServicesController],
  providers: [
    PresetAccessRepository,
    PresetAccessRevoker,
    { provide: ServiceRemovalHook, useExisting: PresetAccessRevoker },
    ReadPresets,
    SetPresetAccess,
    PublishPreset,
  ],
  exports: [ServiceRemovalHook],
})
export class PresetServicesModule {}
