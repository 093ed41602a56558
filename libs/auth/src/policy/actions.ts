/**
 * The action catalog: every action a guard may require, named `<service>:<resource>:<verb>`
 * like Huawei Cloud IAM. Policies match actions with `*` wildcards. One list for every
 * service, so a policy written once means the same thing everywhere.
 */
export const Actions = {
  // Model services (deployments service)
  serviceCreate: 'modelarts:service:create',
  serviceList: 'modelarts:service:list',
  serviceGet: 'modelarts:service:get',
  serviceUpdate: 'modelarts:service:update',
  serviceStart: 'modelarts:service:start',
  serviceStop: 'modelarts:service:stop',
  serviceScale: 'modelarts:service:scale',
  serviceUpgrade: 'modelarts:service:upgrade',
  serviceDelete: 'modelarts:service:delete',
  serviceGetLogs: 'modelarts:service:getLogs',
  serviceGetEvents: 'modelarts:service:getEvents',
  // Dedicated resource pools
  poolCreate: 'modelarts:pool:create',
  poolList: 'modelarts:pool:list',
  poolGet: 'modelarts:pool:get',
  poolUpdate: 'modelarts:pool:update',
  poolDelete: 'modelarts:pool:delete',
  // Model Square
  modelList: 'modelarts:model:list',
  modelGet: 'modelarts:model:get',
  // API keys and application access
  apiKeyCreate: 'modelarts:apikey:create',
  apiKeyList: 'modelarts:apikey:list',
  apiKeyGet: 'modelarts:apikey:get',
  apiKeyRotate: 'modelarts:apikey:rotate',
  apiKeyDelete: 'modelarts:apikey:delete',
  // Quotas, rate limits, usage
  quotaGet: 'modelarts:quota:get',
  quotaUpdate: 'modelarts:quota:update',
  usageGet: 'modelarts:usage:get',
  // ModelArts authorizations (agency authorization, seed 002 section 2.2)
  authorizationCreate: 'modelarts:authorization:create',
  authorizationList: 'modelarts:authorization:list',
  authorizationDelete: 'modelarts:authorization:delete',
  // IAM
  usersCreate: 'iam:users:createUser',
  usersList: 'iam:users:listUsers',
  usersGet: 'iam:users:getUser',
  usersUpdate: 'iam:users:updateUser',
  usersDelete: 'iam:users:deleteUser',
  credentialsCreate: 'iam:credentials:createCredential',
  credentialsList: 'iam:credentials:listCredentials',
  credentialsDelete: 'iam:credentials:deleteCredential',
  groupsCreate: 'iam:groups:createGroup',
  groupsList: 'iam:groups:listGroups',
  groupsGet: 'iam:groups:getGroup',
  groupsUpdate: 'iam:groups:updateGroup',
  groupsDelete: 'iam:groups:deleteGroup',
  groupsAddUser: 'iam:groups:addUserToGroup',
  groupsRemoveUser: 'iam:groups:removeUserFromGroup',
  policiesCreate: 'iam:roles:createRole',
  policiesList: 'iam:roles:listRoles',
  policiesGet: 'iam:roles:getRole',
  policiesUpdate: 'iam:roles:updateRole',
  policiesDelete: 'iam:roles:deleteRole',
  permissionsGrant: 'iam:permissions:grantRoleToGroupOnProject',
  permissionsRevoke: 'iam:permissions:revokeRoleFromGroupOnProject',
  permissionsListForGroup: 'iam:permissions:listRolesForGroupOnProject',
  agenciesCreate: 'iam:agencies:createAgency',
  agenciesList: 'iam:agencies:listAgencies',
  agenciesGet: 'iam:agencies:getAgency',
  agenciesUpdate: 'iam:agencies:updateAgency',
  agenciesDelete: 'iam:agencies:deleteAgency',
  permissionsGrantToAgency: 'iam:permissions:grantRoleToAgency',
  permissionsRevokeFromAgency: 'iam:permissions:revokeRoleFromAgency',
  permissionsListForAgencyOnDomain: 'iam:permissions:listRolesForAgencyOnDomain',
  permissionsListForAgencyOnProject: 'iam:permissions:listRolesForAgencyOnProject',
  permissionsListForAgency: 'iam:permissions:listRolesForAgency',
  projectsList: 'iam:projects:listProjects',
  projectsCreate: 'iam:projects:createProject',
} as const;

export type Action = (typeof Actions)[keyof typeof Actions];

export const ALL_ACTIONS: readonly Action[] = Object.values(Actions);

/** Table 2-3 of seed 002: the IAM actions MaaS needs and reports as missing. */
export const MAAS_REQUIRED_IAM_ACTIONS: readonly Action[] = [
  Actions.permissionsListForAgencyOnDomain,
  Actions.permissionsListForAgencyOnProject,
  Actions.permissionsListForAgency,
  Actions.agenciesGet,
  Actions.agenciesList,
];
