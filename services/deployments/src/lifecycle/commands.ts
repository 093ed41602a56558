import { type ServiceState } from './service-state.js';

/** What a user (or the auto-stop job) asks of an existing service. */
export type Command =
  | { readonly type: 'start' }
  | { readonly type: 'stop'; readonly source?: 'user' | 'auto_stop' }
  | { readonly type: 'scale'; readonly instanceCount: number; readonly confirm?: string }
  | { readonly type: 'set_qps'; readonly qps: number }
  | { readonly type: 'upgrade'; readonly modelVersion: string }
  | { readonly type: 'delete'; readonly confirm?: string };

export type CommandType = Command['type'];

/** The confirmations the console asks for (seed 002 §4.3.1, §4.3.2). */
export const SCALE_IN_CONFIRMATION = 'YES';
export const DELETE_CONFIRMATION = 'DELETE';

/** SPEC §5's "allowed from" column; `delete` is allowed in every state. */
export const COMMAND_ALLOWED_STATES: Readonly<Record<CommandType, readonly ServiceState[]>> = {
  start: ['stopped', 'deployment_failed'],
  stop: ['queuing', 'deploying', 'starting', 'running', 'alarm'],
  scale: ['running', 'alarm'],
  set_qps: ['running', 'alarm'],
  upgrade: ['running', 'alarm'],
  delete: [
    'queuing',
    'deploying',
    'starting',
    'running',
    'alarm',
    'updating',
    'upgrading',
    'stopping',
    'stopped',
    'deployment_failed',
    'deleting',
  ],
};
