import { type OpenAPIObject, type SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

/** What class-validator records of one decorator (the part read here). */
interface Constraint {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

/**
 * The request DTOs' validators, by class: class-validator keeps them in one process-wide
 * storage whose by-class map is not public API (class-validator is pinned; a change of shape
 * makes this a no-op, which the @maas/app spec notices).
 */
type DtoClass = abstract new (...args: never[]) => unknown;

function validatedClasses(): DtoClass[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas?: unknown };
  const byClass = storage.validationMetadatas;
  return byClass instanceof Map ? [...(byClass.keys() as Iterable<DtoClass>)] : [];
}

const number = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Per validator name: the JSON Schema keywords it states (only those with an exact equivalent). */
const KEYWORDS: Record<string, (first: unknown, second: unknown) => SchemaObject> = {
  maxLength: (max) => ({ maxLength: number(max) }),
  minLength: (min) => ({ minLength: number(min) }),
  isLength: (min, max) => ({ minLength: number(min), maxLength: number(max) }),
  // A pattern with flags (e.g. /i) has no JSON Schema spelling.
  matches: (pattern, modifiers) =>
    pattern instanceof RegExp && pattern.flags === '' && modifiers === undefined
      ? { pattern: pattern.source }
      : {},
  min: (min) => ({ minimum: number(min) }),
  max: (max) => ({ maximum: number(max) }),
  arrayMaxSize: (max) => ({ maxItems: number(max) }),
  arrayMinSize: (min) => ({ minItems: number(min) }),
  arrayUnique: () => ({ uniqueItems: true }),
  isIn: (values) => (Array.isArray(values) ? { enum: values } : {}),
};

function keywordsOf(constraint: Constraint): SchemaObject {
  const [first, second] = constraint.constraints ?? [];
  const keywords = constraint.name === undefined ? undefined : KEYWORDS[constraint.name];
  return keywords ? keywords(first, second) : {};
}

/** Sets the keywords the schema does not state yet (a decorator's own wording wins). */
function fill(schema: SchemaObject, keywords: SchemaObject): void {
  for (const [key, value] of Object.entries(keywords)) {
    const target = schema as Record<string, unknown>;
    if (value !== undefined && target[key] === undefined) target[key] = value;
  }
}

function refineProperty(property: SchemaObject, constraints: Constraint[]): void {
  // A property validated only under a condition (@ValidateIf) has no unconditional limit.
  if (
    constraints.some(
      (c) => c.type === ValidationTypes.CONDITIONAL_VALIDATION && c.name !== 'isOptional',
    )
  )
    return;
  for (const constraint of constraints) {
    const keywords = keywordsOf(constraint);
    if (!constraint.each) fill(property, keywords);
    else if (property.type === 'array' && property.items && !('$ref' in property.items)) {
      fill(property.items, keywords);
    }
  }
}

/**
 * States in the document the limits the request DTOs' validators enforce — lengths, patterns,
 * bounds, array sizes, allowed values — so there is one source for each rule: the validator
 * decorator, read at document build. Schemas are matched to classes by name, as the swagger
 * scanner names them. Changes the document in place.
 */
export function stateValidationLimits(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const storage = getMetadataStorage();
  for (const dto of validatedClasses()) {
    const schema = schemas[dto.name] as SchemaObject | undefined;
    if (!schema?.properties) continue;
    const constraints = storage.getTargetValidationMetadatas(
      dto,
      '',
      true,
      false,
    ) as unknown as Constraint[];
    for (const [name, property] of Object.entries(schema.properties)) {
      if ('$ref' in property) continue;
      refineProperty(
        property,
        constraints.filter((c) => c.propertyName === name),
      );
    }
  }
}
