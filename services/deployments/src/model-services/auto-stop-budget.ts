import { type AutoStopAction } from '../lifecycle/index.js';

/**
 * The auto-stop budget of a service: how much running time is left, and since when it is
 * counting down (null while paused). The auto-stop job (issue 5) fires at
 * `resumedAt + remainingMs`; time does not count while the service cannot be called.
 */
export interface AutoStopBudget {
  /** The configured limit; null when auto stop is off. */
  readonly limitMs: number | null;
  readonly remainingMs: number | null;
  readonly resumedAt: Date | null;
}

/** Applies a transition's auto-stop action to the budget (pure). */
export function applyAutoStop(
  budget: AutoStopBudget,
  action: AutoStopAction | null,
  now: Date,
): AutoStopBudget {
  if (budget.limitMs === null || action === null) return budget;
  const remaining = budget.remainingMs ?? budget.limitMs;
  switch (action) {
    case 'resume':
      return { ...budget, remainingMs: remaining, resumedAt: budget.resumedAt ?? now };
    case 'pause':
      return { ...budget, remainingMs: left(budget, remaining, now), resumedAt: null };
    case 'reset':
      return { ...budget, remainingMs: budget.limitMs, resumedAt: null };
    case 'cancel':
      return { ...budget, remainingMs: left(budget, remaining, now), resumedAt: null };
  }
}

/** When auto stop fires if nothing changes; null while paused or off. */
export function autoStopDeadline(budget: AutoStopBudget): Date | null {
  if (budget.limitMs === null || budget.resumedAt === null) return null;
  return new Date(budget.resumedAt.getTime() + (budget.remainingMs ?? budget.limitMs));
}

function left(budget: AutoStopBudget, remaining: number, now: Date): number {
  if (budget.resumedAt === null) return remaining;
  return Math.max(0, remaining - (now.getTime() - budget.resumedAt.getTime()));
}
