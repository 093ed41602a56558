/** The `reason` of each service event, one per kind of transition. */
export const EVENT_REASONS = [
  'Queued',
  'StartRequested',
  'Deploying',
  'Starting',
  'Deployed',
  'Started',
  'Unhealthy',
  'Recovered',
  'DeploymentFailed',
  'StopRequested',
  'AutoStopTriggered',
  'Stopped',
  'ScaleRequested',
  'Scaled',
  'ScaleFailed',
  'QpsChanged',
  'UpgradeRequested',
  'Upgraded',
  'UpgradeFailed',
  // Not a change of state (from == to): an upgrade of instance groups goes in place for want
  // of room for a stand-in group; the message says what that means for callers.
  'UpgradeInPlace',
  'DeleteRequested',
  'Deleted',
  // Not lifecycle transitions (from == to), recorded so that `version` stays gap-free: the
  // operator published the service as a preset service of the region, or unpublished it.
  'PresetPublished',
  'PresetUnpublished',
] as const;

export type EventReason = (typeof EVENT_REASONS)[number];
