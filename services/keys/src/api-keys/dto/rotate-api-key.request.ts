import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { GRACE_PERIOD_CEILING_SECONDS } from '../../config.js';

export class RotateApiKeyRequest {
  // `maximum` is replaced by the configured MAX_GRACE_PERIOD_SECONDS in the published document
  // (app.setup.ts); the rotate use case enforces that one.
  @ApiPropertyOptional({
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: GRACE_PERIOD_CEILING_SECONDS,
    description:
      'How long the old secret keeps working, in seconds (0: it stops at once). A rotation ' +
      'during a grace period ends that period: only the secret being replaced gets one.',
  })
  @IsOptional()
  @IsInt({ message: 'grace_period_seconds must be a whole number of seconds' })
  @Min(0)
  @Max(GRACE_PERIOD_CEILING_SECONDS)
  grace_period_seconds?: number;
}
