import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export const ACCOUNT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

export class CreateAccountRequest {
  @ApiProperty({
    description: 'Account (domain) name: 1-64 letters, digits, - or _, starting with a letter',
    minLength: 1,
    maxLength: 64,
    pattern: ACCOUNT_NAME_PATTERN.source,
    example: 'acme',
  })
  @IsString()
  @Length(1, 64)
  @Matches(ACCOUNT_NAME_PATTERN, {
    message: 'name must be letters, digits, - or _, starting with a letter',
  })
  name!: string;
}
