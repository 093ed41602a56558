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
  'DeleteRequested',
  'Deleted',
  // Not lifecycle transitions (from == to), recorded so that `version` stays gap-free: the
  // operator published the service as a preset service of the region, or unpublished it.
  'PresetPublished',
  'PresetUnpublished',
] as const;

export type EventReason = (typeof EVENT_REASONS)[number];
