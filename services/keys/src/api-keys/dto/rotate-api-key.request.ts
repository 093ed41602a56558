import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RotateApiKeyRequest {
  @ApiPropertyOptional({
    default: 0,
    minimum: 0,
    maximum: 30 * 86_400,
    description:
      'How long the old secret keeps working, in seconds (0: it stops at once). A rotation ' +
      'during a grace period ends that period: only the secret being replaced gets one.',
  })
  @IsOptional()
  @IsInt({ message: 'grace_period_seconds must be a whole number of seconds' })
  @Min(0)
  @Max(30 * 86_400)
  grace_period_seconds?: number;
}
