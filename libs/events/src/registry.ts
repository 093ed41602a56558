import { createRegistry, type Registry } from '@bufbuild/protobuf';
import { file_maas_deployments_v1_deployments } from './gen/maas/deployments/v1/deployments_pb.js';
import { file_maas_iam_v1_iam } from './gen/maas/iam/v1/iam_pb.js';
import { file_maas_keys_v1_keys } from './gen/maas/keys/v1/keys_pb.js';
import { file_maas_quotas_v1_quotas } from './gen/maas/quotas/v1/quotas_pb.js';
import { file_maas_usage_v1_usage } from './gen/maas/usage/v1/usage_pb.js';

/** Every event message of every context; unpacks any envelope's payload to its generated type. */
export const eventRegistry: Registry = createRegistry(
  file_maas_iam_v1_iam,
  file_maas_deployments_v1_deployments,
  file_maas_keys_v1_keys,
  file_maas_quotas_v1_quotas,
  file_maas_usage_v1_usage,
);
