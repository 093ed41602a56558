import { ApiProperty } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import {
  displayName,
  isCallable,
  SERVICE_STATES,
  type ServiceState,
} from '../../lifecycle/index.js';
import { CallEndpointResponse } from '../../model-services/dto/service.response.js';
import { type CallDescription } from '../../model-services/call-description.js';
import { type ModelServiceEntity } from '../../model-services/model-service.entity.js';

// Request fields are declared with @Allow (unknown fields are still refused by the global
// pipe); their rule (a boolean) is checked by the use case, which names the field.

export class SetPresetAccessRequest {
  @ApiProperty({
    type: Boolean,
    description: 'true: the account may call the preset service; false: it may not',
    example: true,
  })
  @Allow()
  enabled!: unknown;
}

export class PublishPresetRequest {
  @ApiProperty({
    type: Boolean,
    description: 'true: publish to every tenant of the region; false: unpublish',
    example: true,
  })
  @Allow()
  preset!: unknown;
}

/** A preset service as a tenant sees it: what to call it with, and whether it may. */
export class PresetServiceResponse {
  @ApiProperty({ format: 'uuid' }) service_id!: string;
  @ApiProperty({ description: 'The `model` to send (the service name)' }) service_name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ example: 'DeepSeek-R1' }) model_name!: string;
  @ApiProperty() model_version!: string;
  @ApiProperty() variant!: string;
  @ApiProperty({ type: 'integer' }) context_length!: number;
  @ApiProperty({ type: 'integer' }) max_input_tokens!: number;
  @ApiProperty({ type: 'integer' }) max_output_tokens!: number;
  @ApiProperty({ enum: SERVICE_STATES }) status!: ServiceState;
  @ApiProperty() status_display_name!: string;
  @ApiProperty({ description: 'Running, alarm, updating or upgrading' }) callable!: boolean;
  @ApiProperty({
    description:
      "Whether the caller's account enabled it: calling a preset service needs it " +
      '(else ModelArts.81004); free token quotas (ModelArts.81005) apply to it',
  })
  enabled!: boolean;
  @ApiProperty({
    type: [CallEndpointResponse],
    description: 'The region endpoints that route to it by model name',
  })
  endpoints!: CallEndpointResponse[];

  static from(
    s: ModelServiceEntity,
    enabled: boolean,
    call: CallDescription,
  ): PresetServiceResponse {
    return {
      service_id: s.id,
      service_name: s.name,
      description: s.description,
      region: s.region,
      model_name: s.modelName,
      model_version: s.modelVersion,
      variant: s.variantId,
      context_length: s.contextLength,
      max_input_tokens: s.maxInputTokens,
      max_output_tokens: s.maxOutputTokens,
      status: s.state,
      status_display_name: displayName(s.state),
      callable: isCallable(s.state),
      enabled,
      endpoints: call.endpoints
        .filter((e) => e.api === 'region' || e.api === 'region_models' || e.api === 'v2')
        .map((e) => ({ ...e })),
    };
  }
}

export class PresetServiceListResponse {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: [PresetServiceResponse] }) services!: PresetServiceResponse[];
}

/** A service as the operator's preset API shows it. */
export class OperatorPresetServiceResponse {
  @ApiProperty({ format: 'uuid' }) service_id!: string;
  @ApiProperty() service_name!: string;
  @ApiProperty({ format: 'uuid', description: 'The (platform) account that owns it' })
  account_id!: string;
  @ApiProperty({ format: 'uuid' }) project_id!: string;
  @ApiProperty() region!: string;
  @ApiProperty() model_name!: string;
  @ApiProperty({ enum: SERVICE_STATES }) status!: ServiceState;
  @ApiProperty() preset!: boolean;
  @ApiProperty({ type: 'integer', description: 'Increases with every change (also publishing)' })
  version!: number;
  @ApiProperty({ type: 'integer', description: 'Accounts that enabled it' })
  enabled_accounts!: number;

  static from(s: ModelServiceEntity, enabledAccounts: number): OperatorPresetServiceResponse {
    return {
      service_id: s.id,
      service_name: s.name,
      account_id: s.accountId,
      project_id: s.projectId,
      region: s.region,
      model_name: s.modelName,
      status: s.state,
      preset: s.preset,
      version: s.version,
      enabled_accounts: enabledAccounts,
    };
  }
}

export class OperatorPresetServiceListResponse {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: [OperatorPresetServiceResponse] })
  services!: OperatorPresetServiceResponse[];
}
