/**
 * Timing in integration tests. A SPEC target such as "a deleted key is invalidated at every
 * gateway replica, target under 1 s" (SPEC §6) is a figure to measure, not a bound a test can
 * hold on a loaded 2-core machine: the whole stack, other test runs and builds share the two
 * cores, and a hop that takes 50 ms on a quiet machine can take seconds with nothing wrong.
 * A test therefore asserts the property with room — the effect is pushed (events), not found
 * by a periodic poll or a cache expiry, so it arrives within `withRoom(target)` — and prints
 * the measured figure with `reportTiming`, next to the target.
 */

/** How many times a target a loaded 2-core machine may take. */
export const LOADED_MACHINE_ROOM = 5;

/** The bound a test asserts for an effect whose target is `targetMs`. */
export function withRoom(targetMs: number): number {
  return targetMs * LOADED_MACHINE_ROOM;
}

/** Prints a measured figure beside its target (test output, read like a benchmark line). */
export function reportTiming(what: string, elapsedMs: number, targetMs?: number): void {
  const target = targetMs === undefined ? '' : ` (target ${targetMs} ms)`;
  console.info(`timing: ${what}: ${Math.round(elapsedMs)} ms${target}`);
}
