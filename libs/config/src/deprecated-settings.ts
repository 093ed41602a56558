/** What withDeprecatedSettings made of an environment. */
export interface DeprecatedSettingsResult {
  /** The environment with each old name's value under its new name (unless that is set). */
  env: NodeJS.ProcessEnv;
  /** The old names that were set, as `OLD (now NEW)`, for a warning at start. */
  used: string[];
}

/**
 * Reads settings a service has renamed under their old names too: `renames` maps each old
 * name to its new one. An old name still set (and the new one not) is read as the new one;
 * when both are set the new one wins. The service warns about `used` at start, so operators
 * rename them before the alias goes.
 */
export function withDeprecatedSettings(
  env: NodeJS.ProcessEnv,
  renames: Readonly<Record<string, string>>,
): DeprecatedSettingsResult {
  const out = { ...env };
  const used: string[] = [];
  for (const [old, now] of Object.entries(renames)) {
    if (env[old] === undefined) continue;
    used.push(`${old} (now ${now})`);
    out[now] ??= env[old];
  }
  return { env: out, used };
}
