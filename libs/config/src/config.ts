import {
  cleanEnv,
  EnvMissingError,
  type OptionalValidatorSpec,
  type RequiredValidatorSpec,
  type ValidatorSpec,
} from 'envalid';

/** A service's environment schema: variable name → envalid validator spec. */
export type ConfigSchema = Record<string, ValidatorSpec<unknown>>;

/** The typed, frozen configuration a schema yields. */
export type Config<S extends ConfigSchema> = {
  readonly [K in keyof S]: S[K] extends OptionalValidatorSpec<infer U>
    ? U | undefined
    : S[K] extends RequiredValidatorSpec<infer U>
      ? U
      : never;
};

export const REDACTED = '[redacted]';

export interface ConfigProblem {
  /** The environment variable. */
  readonly name: string;
  /** Why it was rejected; never contains a secret's value. */
  readonly reason: string;
}

/** Thrown by loadConfig when variables are missing or invalid; names every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `  ${p.name}: ${p.reason}`);
    const count = `${problems.length} bad variable${problems.length === 1 ? '' : 's'}`;
    super(`Invalid configuration (${count}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
  }
}

const secretSpecs = new WeakSet<object>();
const secretKeysOf = new WeakMap<object, ReadonlySet<string>>();

/** Marks a variable as secret: its value never appears in errors or in describeConfig. */
export function secret<S extends ValidatorSpec<unknown>>(spec: S): S {
  secretSpecs.add(spec);
  return spec;
}

function problemOf(name: string, error: Error, spec: ValidatorSpec<unknown>): ConfigProblem {
  if (error instanceof EnvMissingError) {
    return { name, reason: `is required but not set${spec.desc ? ` (${spec.desc})` : ''}` };
  }
  if (secretSpecs.has(spec)) return { name, reason: 'is invalid (secret; value not shown)' };
  return { name, reason: `is invalid: ${error.message}` };
}

/**
 * Validates `env` against `schema` and returns the typed, frozen configuration. An empty
 * value counts as unset (so a default applies). Throws a ConfigError naming every bad
 * variable and why.
 */
export function loadConfig<S extends ConfigSchema>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Config<S> {
  const names = Object.keys(schema);
  const input: Record<string, string> = {};
  for (const name of [...names, 'NODE_ENV']) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value;
  }
  const problems: ConfigProblem[] = [];
  const cleaned = cleanEnv(input, schema, {
    reporter: ({ errors }) => {
      for (const name of names) {
        const error = (errors as Record<string, Error | undefined>)[name];
        if (error) problems.push(problemOf(name, error, schema[name]));
      }
    },
  }) as Record<string, unknown>;
  if (problems.length > 0) throw new ConfigError(problems);

  const config: Record<string, unknown> = {};
  for (const name of names) config[name] = cleaned[name];
  secretKeysOf.set(config, new Set(names.filter((name) => secretSpecs.has(schema[name]))));
  return Object.freeze(config) as Config<S>;
}

/** loadConfig for a process entrypoint: on a bad configuration, prints why and exits 1. */
export function loadConfigOrExit<S extends ConfigSchema>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Config<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** A URL with its password (if any) replaced by [redacted]; other strings unchanged. */
export function redactUrl(value: string): string {
  if (!value.includes('://')) return value;
  try {
    const url = new URL(value);
    if (!url.password) return value;
    const auth = `${url.username}:${REDACTED}@`;
    return `${url.protocol}//${auth}${url.host}${url.pathname}${url.search}${url.hash}`;
  } catch {
    return value;
  }
}

/**
 * The configuration as a plain object safe to log: secrets become [redacted] and passwords
 * inside URLs are masked.
 */
export function describeConfig<C extends object>(config: C): Record<keyof C, unknown> {
  const secrets = secretKeysOf.get(config) ?? new Set<string>();
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    if (secrets.has(name)) out[name] = value === undefined ? undefined : REDACTED;
    else if (typeof value === 'string') out[name] = redactUrl(value);
    else out[name] = value;
  }
  return out as Record<keyof C, unknown>;
}
