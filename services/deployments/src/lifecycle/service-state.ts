/** Lifecycle states of a model service (SPEC §5): API value → console display name. */
export const STATE_DISPLAY_NAMES = {
  queuing: 'Queuing',
  deploying: 'Deploying',
  starting: 'Starting',
  running: 'Running',
  alarm: 'Alarm',
  updating: 'Updating',
  upgrading: 'Upgrading',
  stopping: 'Stopping',
  stopped: 'Stopped',
  deployment_failed: 'Deployment Failed',
  deleting: 'Deleting',
} as const;

export type ServiceState = keyof typeof STATE_DISPLAY_NAMES;

export const SERVICE_STATES = Object.keys(STATE_DISPLAY_NAMES) as readonly ServiceState[];

export function isServiceState(value: string): value is ServiceState {
  return Object.hasOwn(STATE_DISPLAY_NAMES, value);
}

export function displayName(state: ServiceState): string {
  return STATE_DISPLAY_NAMES[state];
}

/** States in which the gateway may route requests to the service (SPEC §5). */
export const CALLABLE_STATES: readonly ServiceState[] = [
  'running',
  'alarm',
  'updating',
  'upgrading',
];

export function isCallable(state: ServiceState): boolean {
  return CALLABLE_STATES.includes(state);
}
