/**
 * Marks the end of an exhaustive switch: TypeScript rejects the call when a case is
 * missing, and it throws if a value the types ruled out arrives at run time anyway.
 */
export function assertUnreachable(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
