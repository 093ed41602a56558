/** A policy document in Huawei Cloud IAM's JSON form, version 1.1. */
export interface PolicyDocument {
  Version: '1.1';
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  /** Actions, `service:resource:verb`, with `*` wildcards (e.g. `modelarts:*:*`, `iam:agencies:list*`). */
  Action: string[];
}

/** Where an attached policy applies: every project, or the listed projects only. */
export type PolicyScope = { kind: 'global' } | { kind: 'projects'; projectIds: string[] };

/** A policy attached to one of the caller's groups, with the attachment's scope. */
export interface ScopedPolicy {
  document: PolicyDocument;
  scope: PolicyScope;
}

export type Decision = 'allow' | 'explicit_deny' | 'implicit_deny';

const ACTION_PATTERN = /^[A-Za-z0-9*]+(:[A-Za-z0-9*]+){0,2}$/;

/** True when a statement's action pattern matches an action (case-insensitive, `*` = any run). */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i').test(action);
}

/** Structural validation of a custom policy; returns the problems, empty when valid. */
export function validatePolicyDocument(doc: unknown): string[] {
  const problems: string[] = [];
  if (typeof doc !== 'object' || doc === null) return ['policy must be a JSON object'];
  const d = doc as Record<string, unknown>;
  if (d.Version !== '1.1') problems.push('Version must be "1.1"');
  if (!Array.isArray(d.Statement) || d.Statement.length === 0) {
    problems.push('Statement must be a non-empty array');
    return problems;
  }
  d.Statement.forEach((s: unknown, i) => {
    const st = (s ?? {}) as Record<string, unknown>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') {
      problems.push(`Statement[${i}].Effect must be "Allow" or "Deny"`);
    }
    if (!Array.isArray(st.Action) || st.Action.length === 0) {
      problems.push(`Statement[${i}].Action must be a non-empty array`);
    } else {
      st.Action.forEach((a: unknown, j) => {
        if (typeof a !== 'string' || !ACTION_PATTERN.test(a)) {
          problems.push(`Statement[${i}].Action[${j}] must look like service:resource:action`);
        }
      });
    }
    const extra = Object.keys(st).filter((k) => k !== 'Effect' && k !== 'Action');
    if (extra.length > 0)
      problems.push(`Statement[${i}] has unsupported fields: ${extra.join(', ')}`);
  });
  return problems;
}

function inScope(scope: PolicyScope, projectId: string | undefined): boolean {
  switch (scope.kind) {
    case 'global':
      return true;
    case 'projects':
      return projectId !== undefined && scope.projectIds.includes(projectId);
    default: {
      const unreachable: never = scope;
      return unreachable;
    }
  }
}

/**
 * Evaluates an action for a caller holding `policies`, in `projectId` (undefined for
 * account-level actions: only global attachments apply). Explicit Deny wins over any
 * Allow; without an Allow the answer is an implicit deny.
 */
export function evaluate(
  policies: readonly ScopedPolicy[],
  action: string,
  projectId?: string,
): Decision {
  let allowed = false;
  for (const { document, scope } of policies) {
    if (!inScope(scope, projectId)) continue;
    for (const statement of document.Statement) {
      if (!statement.Action.some((p) => actionMatches(p, action))) continue;
      if (statement.Effect === 'Deny') return 'explicit_deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit_deny';
}
