import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type ErrorBody } from './error-body.js';

/** The error body as an OpenAPI schema, for `@ApiNotFoundResponse({ type: ErrorBodyDto })` etc. */
export class ErrorBodyDto implements ErrorBody {
  @ApiProperty({ description: 'Stable error code', example: 'MAAS.0404' })
  error_code!: string;

  @ApiProperty({ description: 'Human-readable message', example: 'Cannot GET /v3/nothing' })
  error_msg!: string;

  @ApiProperty({
    description: 'Id of the request (also in the x-request-id header)',
    example: '0b0f6a38-5f1e-4d8e-9d0e-1c1b8b7f4f2e',
  })
  request_id!: string;

  @ApiPropertyOptional({
    description: 'Safe structured details, e.g. the fields of a validation error',
    type: 'object',
    additionalProperties: true,
  })
  details?: Record<string, unknown>;
}
