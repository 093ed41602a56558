import { Module } from '@nestjs/common';
import { ModelServicesModule } from '../model-services/model-services.module.js';
import { PresetServicesOperatorController } from './preset-services-operator.controller.js';
import { PresetServicesController } from './preset-services.controller.js';
import { PublishPreset } from './usecases/publish-preset.js';
import { ReadPresets } from './usecases/read-presets.js';
import { SetPresetAccess } from './usecases/set-preset-access.js';

/** Preset services (SPEC §8): the operator publishes, tenants list and enable. */
@Module({
  imports: [ModelServicesModule],
  controllers: [PresetServicesOperatorController, PresetServicesController],
  providers: [ReadPresets, SetPresetAccess, PublishPreset],
})
export class PresetServicesModule {}
