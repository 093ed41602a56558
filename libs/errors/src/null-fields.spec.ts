import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { createValidationPipe, RequestValidationError } from './index.js';

class Limit {
  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional()
  @IsInt()
  quota?: number | null;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  note?: string;
}

class Change {
  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ type: () => Limit })
  @IsOptional()
  @ValidateNested()
  @Type(() => Limit)
  limit?: Limit;

  @ApiProperty({ type: [Limit] })
  @ValidateNested({ each: true })
  @Type(() => Limit)
  limits!: Limit[];

  // No contract: left to its own validators.
  @IsOptional()
  free?: unknown;
}

describe('null where the contract does not say nullable', () => {
  const pipe = createValidationPipe();
  const meta = { type: 'body' as const, metatype: Change };

  async function fieldsOf(body: unknown) {
    const error: unknown = await pipe.transform(body, meta).catch((e: unknown) => e);
    return error instanceof RequestValidationError ? error.fields : [];
  }

  it('is a 400 naming the field, nested ones with their path', async () => {
    expect(await fieldsOf({ description: null, limits: [] })).toEqual([
      { field: 'description', messages: ['description must not be null'] },
    ]);
    expect(await fieldsOf({ limit: { note: null }, limits: [{}, { note: null }] })).toEqual(
      expect.arrayContaining([
        { field: 'limit.note', messages: ['limit.note must not be null'] },
        { field: 'limits.1.note', messages: ['limits.1.note must not be null'] },
      ]),
    );
  });

  it('is taken where the contract declares it nullable, or declares nothing', async () => {
    const value: unknown = await pipe.transform(
      { limit: { quota: null }, limits: [{ quota: null }], free: null },
      meta,
    );
    expect(value).toBeInstanceOf(Change);
  });
});
