import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class SetApiKeyFrozenRequest {
  @ApiProperty({
    description:
      'true: freeze the key (calls with it are refused with ModelArts.81006); false: unfreeze it',
  })
  @IsBoolean()
  frozen!: boolean;

  @ApiPropertyOptional({
    maxLength: 200,
    description: "The operator's note on why, shown to the tenant (ignored when unfreezing)",
    example: 'abuse report 2026-12-02',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
