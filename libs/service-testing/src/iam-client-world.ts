import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { type InjectionToken } from '@nestjs/common';
import {
  loadSigningKey,
  type PolicyDocument,
  SYSTEM_POLICIES,
  TOKEN_VERIFIER,
  TokenSigner,
  TokenVerifier,
} from '@maas/auth';
import {
  ALL_TOPICS,
  type EventInput,
  ProjectChangedSchema,
  type Topic,
  type TopicSpec,
  UserPermissionsChangedSchema,
  UserPolicySchema,
} from '@maas/events';
import { eventually, newSigningKeyPem, uniqueName } from '@maas/testing';
import {
  type RawMessage,
  ServiceTestWorld,
  type ServiceTestWorldOptions,
} from './service-world.js';

export const REGION = 'cn-southwest-2';
export const OTHER_REGION = 'ap-southeast-1';

/** A signer of test tokens, and the verifier that trusts it (in place of IAM's JWKS). */
export async function testTokenSigner(): Promise<TokenSigner> {
  return new TokenSigner(await loadSigningKey(newSigningKeyPem(), 'test-key'), 3_600);
}

/** The ProjectChanged snapshot IAM publishes for a project. */
export function projectChanged(project: {
  projectId: string;
  accountId: string;
  region: string;
  name?: string;
}): EventInput<typeof ProjectChangedSchema> {
  return {
    schema: ProjectChangedSchema,
    payload: create(ProjectChangedSchema, { ...project, name: project.name ?? project.region }),
    accountId: project.accountId,
    aggregateType: 'project',
    aggregateId: project.projectId,
  };
}

/** A policy in a user's snapshot: its name (also its id) and document; global scope. */
export interface SnapshotPolicy {
  name: string;
  document: PolicyDocument;
}

/** The UserPermissionsChanged snapshot IAM publishes for a user. */
export function userPermissionsChanged(user: {
  accountId: string;
  accountName?: string;
  userId: string;
  userName: string;
  root?: boolean;
  policies?: readonly SnapshotPolicy[];
  modelartsAuthorized?: boolean;
}): EventInput<typeof UserPermissionsChangedSchema> {
  const { policies = [], ...rest } = user;
  return {
    schema: UserPermissionsChangedSchema,
    payload: create(UserPermissionsChangedSchema, {
      ...rest,
      root: user.root ?? false,
      policies: policies.map(({ name, document }) =>
        create(UserPolicySchema, {
          policyId: name,
          name,
          documentJson: JSON.stringify(document),
          scopeGlobal: true,
        }),
      ),
    }),
    accountId: user.accountId,
    aggregateType: 'user',
    aggregateId: user.userId,
  };
}

/** An account a service knows from IAM's snapshots: a project in REGION, one elsewhere. */
export interface ProjectedAccount {
  id: string;
  name: string;
  /** Project in REGION, and one in OTHER_REGION. */
  projectId: string;
  otherProjectId: string;
  rootToken: string;
}

/**
 * A world for a service that is a client of IAM (it keeps an IAM projection from
 * maas.iam.v1 and verifies tokens against IAM's keys): IAM is played by publishing the
 * snapshots IAM would (ProjectChanged, UserPermissionsChanged) and by signing tokens with a
 * key the app trusts. Every topic exists before the app starts, the service's own with its
 * spec (`ownTopic`).
 */
export abstract class IamClientWorld extends ServiceTestWorld {
  private signer?: TokenSigner;

  constructor(
    service: string,
    private readonly ownTopic: TopicSpec,
    options: ServiceTestWorldOptions = {},
  ) {
    super(service, options);
  }

  protected override async beforeStart(): Promise<void> {
    const own = this.ownTopic;
    await this.ensureTopics([own, ...ALL_TOPICS.filter((t) => t !== own.topic)]);
    this.signer = await testTokenSigner();
  }

  protected override overrides(): [InjectionToken, unknown][] {
    return [[TOKEN_VERIFIER, TokenVerifier.local(this.tokens().jwks())]];
  }

  /** A topic's name in this world. */
  topic(topic: Topic): string {
    return this.topicNameOf(topic);
  }

  /** Every message of a topic from the beginning, tombstones included; fills as they come. */
  collect(topic: Topic): Promise<RawMessage[]> {
    return this.collectRaw(topic);
  }

  /** An account with a project in REGION and one in OTHER_REGION, known to the service. */
  async account(): Promise<ProjectedAccount> {
    const id = randomUUID();
    const name = uniqueName('acct');
    const projectId = randomUUID();
    const otherProjectId = randomUUID();
    await this.producer.publishAll([
      projectChanged({ projectId, accountId: id, region: REGION }),
      projectChanged({ projectId: otherProjectId, accountId: id, region: OTHER_REGION }),
    ]);
    const rootToken = await this.user({ id, name }, { root: true });
    await eventually(
      async () => (await this.projected(projectId)) && this.projected(otherProjectId),
      { description: 'the projects' },
    );
    return { id, name, projectId, otherProjectId, rootToken };
  }

  /** A user of the account with these policies (or root), known to the service; its token. */
  async user(
    account: { id: string; name: string },
    options: { root?: boolean; policies?: PolicyDocument[] } = {},
  ): Promise<string> {
    return (await this.member(account, options)).token;
  }

  /**
   * A user of the account, known to the service: its id, name and token. `policies` are
   * global; `modelartsAuthorized` is the account's ModelArts authorization in the snapshot.
   */
  async member(
    account: { id: string; name: string },
    options: { root?: boolean; policies?: PolicyDocument[]; modelartsAuthorized?: boolean } = {},
  ): Promise<{ userId: string; userName: string; token: string }> {
    const userId = randomUUID();
    const userName = uniqueName('user');
    const root = options.root ?? false;
    await this.producer.publish(
      userPermissionsChanged({
        accountId: account.id,
        accountName: account.name,
        userId,
        userName,
        root,
        policies: (options.policies ?? []).map((document, i) => ({ name: `p${i}`, document })),
        modelartsAuthorized: options.modelartsAuthorized ?? false,
      }),
    );
    await eventually(
      async () =>
        (
          await this.rows(
            `SELECT 1 FROM "${this.schema}".iam_user_permissions WHERE user_id = $1`,
            [userId],
          )
        ).length === 1,
      { description: 'the user' },
    );
    const { token } = await this.tokens().issue({
      accountId: account.id,
      accountName: account.name,
      userId,
      userName,
      root,
    });
    return { userId, userName, token };
  }

  /** A project of the account in `region` (default REGION), known to the service; its id. */
  async project(account: { id: string }, region = REGION): Promise<string> {
    const projectId = randomUUID();
    await this.producer.publish(projectChanged({ projectId, accountId: account.id, region }));
    await eventually(() => this.projected(projectId), { description: 'the project' });
    return projectId;
  }

  fullAccess(): PolicyDocument {
    return SYSTEM_POLICIES['ModelArts FullAccess'];
  }

  private tokens(): TokenSigner {
    if (!this.signer) throw new Error('start() the world first');
    return this.signer;
  }

  private async projected(projectId: string): Promise<boolean> {
    const rows = await this.rows(
      `SELECT 1 FROM "${this.schema}".iam_projects WHERE project_id = $1`,
      [projectId],
    );
    return rows.length === 1;
  }
}
