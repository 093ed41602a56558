/**
 * Reads untyped JSON while collecting every problem with its path, so one run of the loader
 * reports all of a malformed file's mistakes. Readers return a harmless fallback when the
 * value is wrong; the caller throws once at the end if any issue was recorded.
 */
export class DataReader {
  readonly issues: string[] = [];

  fail(path: string, problem: string): void {
    this.issues.push(`${path}: ${problem}`);
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
    this.fail(path, 'must be an object');
    return {};
  }

  array(value: unknown, path: string, { nonEmpty = false } = {}): unknown[] {
    if (!Array.isArray(value)) {
      this.fail(path, 'must be an array');
      return [];
    }
    if (nonEmpty && value.length === 0) this.fail(path, 'must not be empty');
    return value;
  }

  string(value: unknown, path: string, pattern?: RegExp): string {
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(path, 'must be a non-empty string');
      return '';
    }
    if (pattern && !pattern.test(value)) this.fail(path, `must match ${String(pattern)}`);
    return value;
  }

  integer(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be an integer from ${min} to ${max}`);
      return min;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
      return value as T;
    this.fail(path, `must be one of ${allowed.join(', ')}`);
    return allowed[0];
  }

  strings(value: unknown, path: string, { nonEmpty = false } = {}): string[] {
    return this.array(value, path, { nonEmpty }).map((item, i) =>
      this.string(item, `${path}[${i}]`),
    );
  }

  /** Arrays of plain strings where an empty list is fine and items may be any text. */
  args(value: unknown, path: string): string[] {
    return this.array(value, path).map((item, i) => {
      if (typeof item === 'string') return item;
      this.fail(`${path}[${i}]`, 'must be a string');
      return '';
    });
  }

  unique(ids: readonly string[], path: string, what: string): void {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) this.fail(path, `duplicate ${what} ${id}`);
      seen.add(id);
    }
  }
}
