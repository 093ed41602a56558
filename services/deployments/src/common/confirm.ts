import { ApiProperty } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/**
 * `{"confirm": "DELETE"}`: the confirmation a destructive call needs, as the console asks for
 * it. Checked by the domain (the state machine for services), which names the field.
 */
export class ConfirmDeleteRequest {
  @ApiProperty({ enum: ['DELETE'], description: 'Must be "DELETE": the deletion cannot be undone' })
  @Allow()
  confirm?: unknown;
}
