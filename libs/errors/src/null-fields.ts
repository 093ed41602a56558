import { DECORATORS } from '@nestjs/swagger';
import { type FieldError } from './validation.js';

/** What @ApiProperty records of a property (the part this check reads). */
interface PropertyContract {
  type?: unknown;
  nullable?: boolean;
}

type Constructor = abstract new (...args: never[]) => unknown;

function contractOf(dto: Constructor, key: string): PropertyContract | undefined {
  return Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype as object, key) as
    PropertyContract | undefined;
}

/** The DTO class a property's contract names, if it names one (`type: X`, `[X]`, `() => X`). */
function nestedDto(type: unknown): Constructor | undefined {
  const named = Array.isArray(type) ? (type[0] as unknown) : type;
  if (typeof named !== 'function') return undefined;
  // A lazy `() => X` (arrow functions have no prototype) names X.
  const resolved: unknown = named.prototype === undefined ? (named as () => unknown)() : named;
  if (typeof resolved !== 'function') return undefined;
  const described = Reflect.getMetadata(
    DECORATORS.API_MODEL_PROPERTIES_ARRAY,
    resolved.prototype as object,
  ) as unknown;
  return described ? (resolved as Constructor) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fields of a request body that are JSON null where the DTO's contract (its @ApiProperty,
 * the OpenAPI schema) does not declare them nullable. class-validator's @IsOptional lets null
 * through as if the field were absent, so a null reached code that only expects a value or
 * undefined (a 500); the OpenAPI document promises a 400 for it. Fields without a contract
 * are left to their own validators. Iterative over nested DTOs (bodies are depth-bounded).
 */
export function nullFieldErrors(body: unknown, dto: Constructor): FieldError[] {
  const errors: FieldError[] = [];
  const stack: [unknown, Constructor, string][] = [[body, dto, '']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, type, parent] = next;
    if (!isObject(value)) continue;
    for (const [key, field] of Object.entries(value)) {
      const contract = contractOf(type, key);
      if (!contract) continue;
      const path = parent ? `${parent}.${key}` : key;
      if (field === null && contract.nullable !== true) {
        errors.push({ field: path, messages: [`${path} must not be null`] });
      }
      if (field === null) continue;
      const nested = nestedDto(contract.type);
      if (!nested) continue;
      const items: unknown[] = Array.isArray(field) ? field : [field];
      items.forEach((item, index) => {
        stack.push([item, nested, Array.isArray(field) ? `${path}.${index}` : path]);
      });
    }
  }
  return errors;
}
