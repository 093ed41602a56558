import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { USER_NAME_MESSAGE, USER_NAME_PATTERN } from './user-name.js';

export class CreateUserRequest {
  @ApiProperty({ pattern: USER_NAME_PATTERN.source, example: 'alice' })
  @IsString()
  @Matches(USER_NAME_PATTERN, { message: USER_NAME_MESSAGE })
  name!: string;

  @ApiPropertyOptional({
    description:
      'Sign-in password: 8-128 characters with at least two of lowercase, uppercase, digits, ' +
      'special characters, not containing the user name. Omit for an access-key-only user.',
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  password?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;
}
