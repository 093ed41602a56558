import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class SetAccountFrozenRequest {
  @ApiProperty({
    description:
      'true: freeze the account (its inference calls are refused with ModelArts.81006); ' +
      'false: unfreeze it',
  })
  @IsBoolean()
  frozen!: boolean;

  @ApiPropertyOptional({
    maxLength: 200,
    description: "The operator's note on why (shown to operators; ignored when unfreezing)",
    example: 'arrears',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
