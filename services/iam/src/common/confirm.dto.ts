import { ApiProperty } from '@nestjs/swagger';
import { Equals } from 'class-validator';

/** The confirmation a destructive call needs, as the console asks for it. */
export class ConfirmDeleteRequest {
  @ApiProperty({ enum: ['DELETE'], description: 'Must be "DELETE": the deletion cannot be undone' })
  @Equals('DELETE', { message: 'confirm must be "DELETE" to confirm the deletion' })
  confirm!: 'DELETE';
}
