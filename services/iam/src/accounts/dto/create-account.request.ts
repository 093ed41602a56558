import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches, MaxLength } from 'class-validator';

export const ACCOUNT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

export class CreateAccountRequest {
  @ApiProperty({
    description:
      'Account (domain) name: 1-32 letters, digits, - or _, starting with a letter. Also the ' +
      "name of the account's root user.",
    minLength: 1,
    maxLength: 32,
    pattern: ACCOUNT_NAME_PATTERN.source,
    example: 'acme',
  })
  @IsString()
  @Length(1, 32)
  @Matches(ACCOUNT_NAME_PATTERN, {
    message: 'name must be letters, digits, - or _, starting with a letter',
  })
  name!: string;

  @ApiProperty({
    description:
      "The root user's password: 8-128 characters with at least two of lowercase, uppercase, " +
      'digits, special characters',
    writeOnly: true,
  })
  @IsString()
  @MaxLength(128)
  root_password!: string;
}
