// @maas/service-testing: the harness of a service's integration tests on the real stack —
// one isolated app per test file (schema, topic prefix, captured logs, cleanup), and for
// services that are IAM's clients, IAM played by its snapshot events and a test signer.
// Kept apart from @maas/testing, which the libs' own tests use (no cycle with them).
export { type CapturedLogs, captureAppLogs, type LogLine } from './app-logs.js';
export {
  deepJson,
  type EdgeAnswer,
  type EdgeRequest,
  edgeRequest,
  HUGE_NUMBERS,
  NON_JSON_TYPES,
} from './edge-probes.js';
export {
  IamClientWorld,
  OTHER_REGION,
  projectChanged,
  type ProjectedAccount,
  REGION,
  type SnapshotPolicy,
  testTokenSigner,
  userPermissionsChanged,
} from './iam-client-world.js';
export { freePort, ServiceProcess, type ServiceProcessOptions } from './service-process.js';
export { usageRecorded } from './usage-events.js';
export {
  type Method,
  type RawMessage,
  type Reply,
  type RequestOptions,
  ServiceTestWorld,
  type ServiceTestWorldOptions,
} from './service-world.js';
