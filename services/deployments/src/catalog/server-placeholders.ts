/**
 * The `{placeholders}` a server template may use; `renderServerContainer` fills them and the
 * loader refuses any other.
 */
export const SERVER_PLACEHOLDERS = [
  'served_model_name',
  'port',
  'weights',
  'context_length',
  'tensor_parallel_size',
  'pipeline_parallel_size',
] as const;
export type ServerPlaceholder = (typeof SERVER_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The placeholder names an argument uses, e.g. `['weights']` for `/mnt/models/{weights}`. */
export function placeholdersIn(arg: string): string[] {
  return [...arg.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

export function fillPlaceholders(
  arg: string,
  values: Readonly<Record<ServerPlaceholder, string>>,
): string {
  return arg.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? values[name as ServerPlaceholder] : whole,
  );
}
