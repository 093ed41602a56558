// The tenant's whole journey (seed 002 Table 1-1: authorize, browse Model Square, deploy, call)
// with the operator's part before it, against the five services running as their own
// processes, through their public HTTP APIs and real clients only: fetch for the admin APIs,
// the official `openai` SDK for inference, kubectl for the operator's node assignment, kafkajs
// for the events. One list of steps: `npm run demo` prints them as they run, the e2e test
// (journey.e2e-spec.ts) runs the same steps as its test cases. Each step asserts what it
// shows (node:assert) and waits with deadlines (eventually), never with sleeps.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { ServiceChangedSchema, ServiceStateChangedSchema } from '@maas/events';
import { eventually } from '@maas/testing';
import { Cluster } from './support/cluster.js';
import { EventLog, type SeenEvent } from './support/events.js';
import { journeyEnv, type JourneyEnv } from './support/env.js';
import { api, ApiError } from './support/http.js';

const MODEL_ID = 'qwen3-8b';
const FLAVOR = 'ascend-910b-1';
const FIRST_VERSION = '1.0.0';
const NEXT_VERSION = '1.0.1';
const COMMON_OPERATIONS = 'ModelArts CommonOperations';

/** One step: a title, and what it does and checks; it returns a line to show (optional). */
export interface Step {
  readonly title: string;
  run(j: Journey): Promise<string | undefined>;
}

interface ServiceDetails {
  service_id: string;
  service_name: string;
  status: string;
  status_reason: string | null;
  config: { model_version: string; instance_count: number }[];
  qps: number;
  auto_stop: { remaining_minutes?: number; stops_at?: string | null } | null;
  instances: { desired: number; ready: number };
  call_description: { model: string; callable: boolean };
}

interface Usage {
  totals: {
    requests: number;
    failed_requests: number;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
  };
}

/** The journey's state and the clients every step uses. */
export class Journey {
  readonly env: JourneyEnv;
  readonly events: EventLog;
  readonly cluster: Cluster;
  readonly startedAt = new Date();
  private readonly suffix = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  readonly accountName = `journey-${this.suffix}`;
  readonly rootPassword = `Root-${randomBytes(9).toString('base64url')}1`;
  readonly userName = `alice-${this.suffix}`;
  readonly userPassword = `Alice-${randomBytes(9).toString('base64url')}2`;
  readonly poolName = `journey-${this.suffix}`;
  readonly serviceName = `qwen3-chat-${this.suffix}`;
  readonly servers = [`journey-${this.suffix}-n0`, `journey-${this.suffix}-n1`];

  accountId = '';
  projectId = '';
  rootToken = '';
  userToken = '';
  poolId = '';
  serviceId = '';
  namespace = '';
  k8sName = '';
  keyId = '';
  apiKey = '';
  serviceDeleted = false;
  /** Token counts the gateway answered with, to find again in the usage ledger. */
  readonly calls = { requests: 0, promptTokens: 0, completionTokens: 0 };
  /** ServiceStateChanged reasons the service must have published so far, in order. */
  readonly expectedReasons: string[] = [];

  constructor(env: JourneyEnv = journeyEnv()) {
    this.env = env;
    this.events = new EventLog(env.kafkaBrokers, env.topicPrefix);
    this.cluster = new Cluster(env);
  }

  get project(): string {
    assert.ok(this.projectId, 'no project yet');
    return this.projectId;
  }

  deployments(path: string): string {
    return `${this.env.urls.deployments}/v1/${this.project}${path}`;
  }

  service(path = ''): string {
    return this.deployments(`/services/${this.serviceId}${path}`);
  }

  async details(): Promise<ServiceDetails> {
    return (await api<ServiceDetails>('GET', this.service(), { token: this.userToken })).body;
  }

  /** Waits until the service shows `status` (and optionally more), failing fast on a failure. */
  async until(
    status: string,
    more: (d: ServiceDetails) => boolean = () => true,
    timeoutMs = 120_000,
  ): Promise<ServiceDetails> {
    return eventually(
      async () => {
        const d = await this.details();
        if (d.status === 'deployment_failed' && status !== 'deployment_failed') {
          throw new Error(`deployment_failed: ${d.status_reason}`);
        }
        assert.equal(d.status, status, `status (reason: ${d.status_reason ?? '-'})`);
        assert.ok(more(d), `details not yet as expected: ${JSON.stringify(d.instances)}`);
        return d;
      },
      { timeoutMs, intervalMs: 250, description: `the service ${status}` },
    );
  }

  /** An OpenAI SDK client on the gateway's region endpoint, with this journey's key. */
  openai(apiKey = this.apiKey): OpenAI {
    // The usage ledger records every chat call the gateway routed: answered (200) or not
    // reaching an instance (502 APIG.0201 — its view of the instances follows a start, an
    // upgrade or a stop by a moment; and until it sees a stop, calls are still answered). The
    // journey's other answers (401, 404 ModelArts.81009) are refused before routing.
    const counting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/chat/completions') && [200, 502].includes(response.status))
        this.calls.requests += 1;
      return response;
    };
    return new OpenAI({
      apiKey,
      baseURL: `${this.env.urls.gateway}/v1`,
      maxRetries: 0,
      fetch: counting,
    });
  }

  async chat(content = 'Hello! Who are you?'): Promise<OpenAI.Chat.ChatCompletion> {
    const answer = await this.openai().chat.completions.create({
      model: this.serviceName,
      messages: [{ role: 'user', content }],
      max_tokens: 16,
    });
    this.countTokens(answer.usage);
    return answer;
  }

  /** The tokens of an answered call (the call itself is counted as it is sent: `openai()`). */
  countTokens(usage: OpenAI.CompletionUsage | null | undefined): void {
    assert.ok(usage, 'the answer carries its usage');
    this.calls.promptTokens += usage.prompt_tokens;
    this.calls.completionTokens += usage.completion_tokens;
  }

  /**
   * The service's lifecycle events on maas.deployments.v1 are exactly `expectedReasons` so
   * far, in order, with gap-free versions 1..n, and each change ends with its ServiceChanged
   * snapshot (the gateway's source of truth).
   */
  async lifecycleEventsAre(...next: string[]): Promise<string> {
    this.expectedReasons.push(...next);
    const want = this.expectedReasons;
    await this.events.waitFor(
      `${want.at(-1)} of the service`,
      () => this.stateChanges().length >= want.length,
      60_000,
    );
    const changes = this.stateChanges();
    assert.deepEqual(
      changes.map((e) => e.reason),
      want,
      'ServiceStateChanged reasons of the service, in topic order',
    );
    assert.deepEqual(
      changes.map((e) => Number(e.version)),
      want.map((_, i) => i + 1),
      'versions gap-free from 1',
    );
    const last = await this.lastSnapshot(want.length);
    const snapshot = last.deleted
      ? 'deleted'
      : `${stateName(last.state)}, callable=${last.callable}, ${last.instances} instances, qps ${last.qps}, ${last.modelVersion}`;
    return `Kafka: ${next.join(' → ')} (v${want.length}; ServiceChanged: ${snapshot})`;
  }

  stateChanges(): { reason: string; version: bigint; to: number }[] {
    return this.events
      .ofAggregate(this.serviceId, 'ServiceStateChanged')
      .map((e) => payloadOf(e, ServiceStateChangedSchema.typeName))
      .map((p) => ({
        reason: String(p.reason),
        version: p.version as bigint,
        to: p.toState as number,
      }));
  }

  /** The newest ServiceChanged snapshot once it is at `version`. */
  async lastSnapshot(version: number): Promise<{
    state: number;
    callable: boolean;
    qps: number;
    instances: number;
    modelVersion: string;
    deleted: boolean;
  }> {
    let snapshot: Record<string, unknown> | undefined;
    await this.events.waitFor(`ServiceChanged v${version}`, () => {
      const all = this.events.ofAggregate(this.serviceId, 'ServiceChanged');
      snapshot = all.length ? payloadOf(all.at(-1)!, ServiceChangedSchema.typeName) : undefined;
      return snapshot !== undefined && Number(snapshot.version) === version;
    });
    const s = snapshot!;
    return {
      state: s.state as number,
      callable: s.callable as boolean,
      qps: s.qps as number,
      instances: s.instances as number,
      modelVersion: s.modelVersion as string,
      deleted: s.deleted as boolean,
    };
  }

  /** Deletes what the journey left behind after a failure: the service, then its servers. */
  async cleanUp(): Promise<void> {
    if (this.serviceId && !this.serviceDeleted && this.userToken) {
      await api('DELETE', this.service(), {
        token: this.userToken,
        body: { confirm: 'DELETE' },
        expect: [200, 202, 204, 404, 409],
      }).catch(() => undefined);
      await eventually(
        async () => {
          await api('GET', this.service(), { token: this.userToken, expect: [404] });
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: 'the service deleted' },
      ).catch(() => undefined);
    }
    await this.cluster.removeServers().catch(() => undefined);
    await this.events.stop().catch(() => undefined);
  }
}

function payloadOf(e: SeenEvent, typeName: string): Record<string, unknown> {
  assert.equal(e.event.type, typeName);
  return e.event.payload;
}

const STATES = [
  'unspecified',
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
];
function stateName(state: number): string {
  return STATES[state] ?? String(state);
}

/**
 * Retries a first call while a service's projection of IAM (maas.iam.v1) has not caught up
 * with the new account, user or authorization: those answers (`codes`) are retried until the
 * deadline; any other failure ends the wait at once.
 */
async function projected<T>(
  what: string,
  fn: () => Promise<T>,
  codes = [401, 403, 404],
): Promise<T> {
  const result = await eventually(
    async (): Promise<{ value: T } | { fatal: unknown }> => {
      try {
        return { value: await fn() };
      } catch (error) {
        if (error instanceof ApiError && codes.includes(error.status)) throw error;
        return { fatal: error }; // truthy: ends the wait at once
      }
    },
    { timeoutMs: 30_000, intervalMs: 200, description: what },
  );
  if ('fatal' in result) throw result.fatal;
  return result.value;
}

/** Calls through the gateway until `fn` passes (the gateway follows Kafka within ms). */
async function gatewayEventually<T extends object | true>(
  what: string,
  fn: () => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  // T is always truthy, so the wrapper passes exactly when `fn` does.
  const { value } = await eventually(async () => ({ value: await fn() }), {
    timeoutMs,
    intervalMs: 200,
    description: what,
  });
  return value;
}

/** The platform error a failed SDK call carried: status and `error_code`. */
function sdkFailure(error: unknown): { status: number; code: string } {
  if (!(error instanceof OpenAI.APIError)) throw error;
  const body = (error.error ?? {}) as { error_code?: string };
  return { status: error.status ?? 0, code: body.error_code ?? '' };
}

async function expectSdkFailure(
  call: () => Promise<unknown>,
  status: number,
  code: string,
): Promise<true> {
  let failure: { status: number; code: string } | undefined;
  try {
    await call();
  } catch (error) {
    failure = sdkFailure(error);
  }
  assert.deepEqual(failure, { status, code }, `the gateway answers ${status} ${code}`);
  return true;
}

export const steps: Step[] = [
  {
    title: 'The operator creates an account (POST /v3/accounts, X-Operator-Token)',
    async run(j) {
      const { body } = await api<{
        id: string;
        projects: { id: string; region: string }[];
        root_user: { name: string };
      }>('POST', `${j.env.urls.iam}/v3/accounts`, {
        operator: j.env.operatorToken,
        body: { name: j.accountName, root_password: j.rootPassword },
      });
      j.accountId = body.id;
      j.events.follow(body.id);
      const project = body.projects.find((p) => p.region === j.env.region);
      assert.ok(project, `a project in ${j.env.region}`);
      j.projectId = project.id;
      await j.events.waitFor('AccountCreated', (es) => es.some((e) => e.type === 'AccountCreated'));
      return `account ${j.accountName} (${j.accountId}), root user "${body.root_user.name}", project ${j.projectId}`;
    },
  },
  {
    title: 'Its root user signs in (POST /v3/auth/tokens)',
    async run(j) {
      j.rootToken = await signIn(j, j.accountName, j.rootPassword);
      return `token in X-Subject-Token (${j.rootToken.length} characters)`;
    },
  },
  {
    title: 'The root user creates an IAM user in a group with ModelArts CommonOperations',
    async run(j) {
      const iam = j.env.urls.iam;
      const t = { token: j.rootToken };
      const policies = await api<{ policies: { id: string; name: string }[] }>(
        'GET',
        `${iam}/v3/policies`,
        t,
      );
      const common = policies.body.policies.find((p) => p.name === COMMON_OPERATIONS);
      assert.ok(common, `system policy ${COMMON_OPERATIONS}`);
      const group = await api<{ id: string }>('POST', `${iam}/v3/groups`, {
        ...t,
        body: { name: 'developers', description: 'model service developers' },
      });
      await api('PUT', `${iam}/v3/groups/${group.body.id}/policies/${common.id}`, {
        ...t,
        body: { scope: 'global' },
      });
      const user = await api<{ id: string }>('POST', `${iam}/v3/users`, {
        ...t,
        body: { name: j.userName, password: j.userPassword },
      });
      await api('PUT', `${iam}/v3/groups/${group.body.id}/users/${user.body.id}`, t);
      await j.events.waitFor(
        'UserCreated, GroupCreated, PolicyAttached, GroupMembershipChanged',
        (es) =>
          ['UserCreated', 'GroupCreated', 'PolicyAttached', 'GroupMembershipChanged'].every(
            (type) => es.some((e) => e.type === type),
          ),
      );
      return `user ${j.userName} in group "developers" with ${COMMON_OPERATIONS} (global)`;
    },
  },
  {
    title: 'The root user authorizes ModelArts for the user (agency ma_agency_<user>)',
    async run(j) {
      const { body } = await api<{ agency: { name: string; id: string } }>(
        'POST',
        `${j.env.urls.iam}/v2/${j.project}/authorizations`,
        { token: j.rootToken, body: { user_type: 'iam_user', authorized_to: j.userName } },
      );
      assert.equal(
        body.agency.name,
        `ma_agency_${j.userName}`,
        'the new agency is named after the user',
      );
      const agencies = await api<{ agencies: { name: string }[] }>(
        'GET',
        `${j.env.urls.iam}/v3/agencies`,
        {
          token: j.rootToken,
        },
      );
      assert.ok(
        agencies.body.agencies.some((a) => a.name === body.agency.name),
        'the agency is listed',
      );
      await j.events.waitFor('AgencyCreated, AuthorizationGranted', (es) =>
        ['AgencyCreated', 'AuthorizationGranted'].every((type) => es.some((e) => e.type === type)),
      );
      return `agency ${body.agency.name} created and authorized`;
    },
  },
  {
    title:
      'The operator assigns two NPU servers to the account (kubectl label node maas.io/account=…)',
    async run(j) {
      await j.cluster.addServers(j.servers, j.poolName);
      const table = await j.cluster.assign(j.servers, j.accountId);
      return table.trimEnd();
    },
  },
  {
    title: 'The admin (root user) creates a dedicated pool on them; the IAM user may not',
    async run(j) {
      const body = { name: j.poolName, flavors: [FLAVOR], description: 'journey pool' };
      const created = await projected('the pool API to know the new account', () =>
        api<{ id: string }>('POST', j.deployments('/pools'), { token: j.rootToken, body }),
      );
      j.poolId = created.body.id;
      const capacity = await eventually(
        async () => {
          const pool = await api<{
            capacity: { npus: number; free_npus: number; ready_nodes: number } | null;
          }>('GET', j.deployments(`/pools/${j.poolId}`), { token: j.rootToken });
          const c = pool.body.capacity;
          assert.ok(c, 'capacity read');
          assert.deepEqual(
            { npus: c.npus, free: c.free_npus, nodes: c.ready_nodes },
            { npus: 16, free: 16, nodes: 2 },
            'both servers (2 × 8 NPUs) counted, and only them',
          );
          return c;
        },
        { timeoutMs: 30_000, intervalMs: 250, description: 'the pool counting both servers' },
      );
      // The user's permissions as the deployments service projects them (maas.iam.v1): once it
      // knows the user (a read passes), creating a pool must be refused by CommonOperations.
      j.userToken = await signIn(j, j.userName, j.userPassword);
      await projected('the deployments service to know the user', () =>
        api('GET', j.deployments('/pools'), { token: j.userToken }),
      );
      await api('POST', j.deployments('/pools'), {
        token: j.userToken,
        body: { ...body, name: `${j.poolName}-x` },
        expect: [403],
      });
      return `pool ${j.poolName} (${j.poolId}), capacity ${JSON.stringify(capacity)}; ${j.userName}: 403`;
    },
  },
  {
    title: 'The user browses Model Square',
    async run(j) {
      const list = await projected('Model Square for the new user', () =>
        api<{ total: number; models: { id: string; name: string; series: string }[] }>(
          'GET',
          j.deployments('/models?series=Qwen3'),
          { token: j.userToken },
        ),
      );
      assert.ok(
        list.body.models.some((m) => m.id === MODEL_ID),
        `${MODEL_ID} among the Qwen3 series`,
      );
      const model = await api<{
        name: string;
        versions: { version: string }[];
        variants: { id: string; context_length: number; flavors: string[] }[];
      }>('GET', j.deployments(`/models/${MODEL_ID}`), { token: j.userToken });
      const versions = model.body.versions.map((v) => v.version);
      assert.ok(
        versions.includes(FIRST_VERSION) && versions.includes(NEXT_VERSION),
        `versions ${versions.join(', ')}`,
      );
      assert.ok(
        model.body.variants.some((v) => v.flavors.includes(FLAVOR)),
        `a variant on ${FLAVOR}`,
      );
      const all = await api<{ total: number }>('GET', j.deployments('/models'), {
        token: j.userToken,
      });
      return `${all.body.total} models; ${model.body.name}: versions ${versions.join(', ')}, ${model.body.variants
        .map((v) => `${v.id} (${v.context_length} tokens) on ${v.flavors.join('/')}`)
        .join('; ')}`;
    },
  },
  {
    title: `The user deploys ${MODEL_ID} ${FIRST_VERSION}: 2 instances, auto stop after 2 hours`,
    async run(j) {
      const body = {
        service_name: j.serviceName,
        description: 'the journey',
        config: [
          {
            model_id: MODEL_ID,
            model_version: FIRST_VERSION,
            specification: FLAVOR,
            instance_count: 2,
            cluster_id: j.poolId,
          },
        ],
        qps: 50,
        schedule: [{ type: 'stop', time_unit: 'HOURS', duration: 2 }],
      };
      // 403 DEPLOY.0404 until deployments' IAM projection has the user's authorization.
      const { body: created } = await projected(
        'the deploy accepted',
        () =>
          api<ServiceDetails & { service_id: string }>('POST', j.deployments('/services'), {
            token: j.userToken,
            body,
          }),
        [403],
      );
      j.serviceId = created.service_id;
      j.namespace = `maas-${j.project}`;
      j.k8sName = `ms-${j.serviceId}`;
      return `service ${j.serviceName} (${j.serviceId}): ${created.status}`;
    },
  },
  {
    title: 'It reaches running (the reconciler on Kubernetes, pods on KWOK)',
    async run(j) {
      const d = await j.until('running', (s) => s.instances.ready === 2);
      assert.ok(d.auto_stop, 'auto stop is on');
      const deployment = await j.cluster.deployment(j.namespace, j.k8sName);
      assert.equal(deployment?.spec.replicas, 2, 'Deployment replicas');
      const pods = await j.cluster.pods(j.namespace, j.serviceId);
      assert.equal(pods.length, 2);
      assert.ok(
        pods.every((p) => j.servers.includes(p.spec.nodeName ?? '')),
        'pods on the assigned servers',
      );
      const events = await j.lifecycleEventsAre('Queued', 'Deploying', 'Deployed');
      return `2/2 ready on ${[...new Set(pods.map((p) => p.spec.nodeName))].join(', ')}; auto stop ${JSON.stringify(
        d.auto_stop,
      )}\n${events}`;
    },
  },
  {
    title: 'The user creates an API key',
    async run(j) {
      const { body } = await api<{ id: string; api_key: string; masked_key?: string }>(
        'POST',
        `${j.env.urls.keys}/v1/${j.project}/api-keys`,
        {
          token: j.userToken,
          body: { tag: `journey-${Date.now()}`, description: 'the journey key' },
        },
      );
      assert.match(body.api_key, /^sk-/);
      j.keyId = body.id;
      j.apiKey = body.api_key;
      await j.events.waitFor(
        'ApiKeyChanged',
        () => j.events.ofAggregate(j.keyId, 'ApiKeyChanged').length === 1,
      );
      return `key ${j.keyId} (${body.masked_key ?? 'sk-…'}), the secret shown once`;
    },
  },
  {
    title: 'It chats through the gateway with the official openai SDK',
    async run(j) {
      const answer = await gatewayEventually('the gateway to route the key and the service', () =>
        j.chat(),
      ).catch((error: unknown) => {
        const cause = error instanceof Error ? error.cause : undefined;
        if (cause instanceof OpenAI.APIError && cause.status === 502) {
          // KWOK's pod IPs answer nothing: the local gateway must dial the simulators instead.
          throw new Error(
            `${String(error)}\nThe gateway reached no model instance. On the local stack it dials the ` +
              'simulators through ENDPOINT_OVERRIDE, which deploy/local/services.sh sets: restart a ' +
              'gateway started without it (bash deploy/local/services.sh down && bash deploy/local/services.sh up).',
            { cause: error },
          );
        }
        throw error;
      });
      assert.equal(answer.object, 'chat.completion');
      assert.ok(answer.choices[0].message.content, 'an answer');
      return `"${answer.choices[0].message.content}" (${answer.usage?.prompt_tokens} + ${answer.usage?.completion_tokens} tokens)`;
    },
  },
  {
    title: 'It streams, with the usage chunk (stream_options.include_usage)',
    async run(j) {
      const stream = await j.openai().chat.completions.create({
        model: j.serviceName,
        messages: [{ role: 'user', content: 'Tell me a short story.' }],
        max_tokens: 24,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let chunks = 0;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        chunks += 1;
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      assert.ok(chunks > 2 && text.length > 0, 'streamed chunks');
      assert.ok(usage, 'the last chunk carries the usage');
      assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
      j.countTokens(usage);
      return `${chunks} chunks, "${text.slice(0, 60)}", usage ${usage.prompt_tokens} + ${usage.completion_tokens}`;
    },
  },
  {
    title: 'The usage shows in the quotas ledger (and on maas.usage.v1)',
    async run(j) {
      const start = new Date(j.startedAt.getTime() - 60_000).toISOString();
      const url = `${j.env.urls.quotas}/v1/${j.project}/usage?granularity=minute&start=${start}&service_id=${j.serviceId}`;
      const want = j.calls;
      const usage = await eventually(
        async () => {
          const { body } = await api<Usage>('GET', url, { token: j.userToken });
          assert.deepEqual(
            {
              requests: body.totals.requests,
              prompt: body.totals.prompt_tokens,
              completion: body.totals.completion_tokens,
            },
            {
              requests: want.requests,
              prompt: want.promptTokens,
              completion: want.completionTokens,
            },
          );
          return body.totals;
        },
        // On a fresh installation maas.usage.v1 only exists from the gateway's first call on,
        // and the ledger's consumer retries its start with a back-off of up to 30 s until then.
        { timeoutMs: 75_000, intervalMs: 250, description: 'the ledger counting both calls' },
      );
      const usageEvents = () => j.events.events((e) => e.type === 'UsageRecorded');
      await j.events.waitFor(
        'UsageRecorded of both calls',
        () => usageEvents().length >= want.requests,
      );
      const records = usageEvents();
      assert.equal(records.length, want.requests, 'one UsageRecorded per call');
      return `${usage.requests} requests, ${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion = ${usage.total_tokens} tokens (as the SDK was told)`;
    },
  },
  {
    title: 'The user scales out to 3 instances',
    async run(j) {
      await api('POST', j.service('/scale'), { token: j.userToken, body: { instance_count: 3 } });
      await j.until('running', (s) => s.instances.ready === 3 && s.instances.desired === 3);
      const deployment = await j.cluster.deployment(j.namespace, j.k8sName);
      assert.equal(deployment?.spec.replicas, 3, 'Deployment replicas');
      const events = await j.lifecycleEventsAre('ScaleRequested', 'Scaled');
      await gatewayEventually('a call after the scale-out', () => j.chat());
      return `3/3 ready\n${events}`;
    },
  },
  {
    title: 'The user sets QPS to 2; the gateway enforces it (429 ModelArts.4206)',
    async run(j) {
      await api('PUT', j.service('/qps'), { token: j.userToken, body: { qps: 2 } });
      const events = await j.lifecycleEventsAre('QpsChanged');
      const snapshot = await j.lastSnapshot(j.expectedReasons.length);
      assert.equal(snapshot.qps, 2);
      const burst = await gatewayEventually('a burst above 2 QPS refused', async () => {
        const answers = await Promise.all(Array.from({ length: 8 }, () => rawChat(j)));
        // Every call is recorded, a burst that has to be tried again too; refused ones (429,
        // no tokens) count as failed requests.
        for (const a of answers) if (a.status === 200) j.countTokens(a.usage);
        j.calls.requests += answers.length;
        const limited = answers.filter((a) => a.status === 429);
        assert.ok(
          limited.length > 0,
          `some of the burst refused: ${answers.map((a) => a.status).join(',')}`,
        );
        assert.ok(
          limited.every((a) => a.code === 'ModelArts.4206'),
          JSON.stringify(limited),
        );
        return answers;
      });
      const ok = burst.filter((a) => a.status === 200).length;
      return `burst of 8: ${ok} × 200, ${burst.length - ok} × 429 ModelArts.4206 (Retry-After ${burst.find((a) => a.status === 429)?.retryAfter})\n${events}`;
    },
  },
  {
    title: `The user upgrades the model to ${NEXT_VERSION} (rolling)`,
    async run(j) {
      await api('POST', j.service('/upgrade'), {
        token: j.userToken,
        body: { model_version: NEXT_VERSION },
      });
      const d = await j.until(
        'running',
        (s) => s.config[0].model_version === NEXT_VERSION && s.instances.ready === 3,
      );
      const pods = await eventually(
        async () => {
          const ps = await j.cluster.pods(j.namespace, j.serviceId);
          assert.equal(ps.length, 3);
          assert.ok(ps.every((p) => p.metadata.labels?.['maas.io/model-version'] === NEXT_VERSION));
          return ps;
        },
        { timeoutMs: 30_000, intervalMs: 250, description: 'old pods gone' },
      );
      const events = await j.lifecycleEventsAre('UpgradeRequested', 'Upgraded');
      assert.equal((await j.lastSnapshot(j.expectedReasons.length)).modelVersion, NEXT_VERSION);
      await gatewayEventually('a call to the new version', () => j.chat());
      return `${d.config[0].model_version} on ${pods.length} pods\n${events}`;
    },
  },
  {
    title: 'The user stops it: no longer callable, the key still valid',
    async run(j) {
      await api('PUT', j.service(), { token: j.userToken, body: { status: 'stopped' } });
      await j.until('stopped', (s) => s.instances.ready === 0);
      assert.equal(
        (await j.cluster.deployment(j.namespace, j.k8sName))?.spec.replicas,
        0,
        'scaled to 0',
      );
      const events = await j.lifecycleEventsAre('StopRequested', 'Stopped');
      await gatewayEventually('calls refused while stopped', () =>
        expectSdkFailure(
          () =>
            j.openai().chat.completions.create({
              model: j.serviceName,
              messages: [{ role: 'user', content: 'Hello?' }],
              max_tokens: 4,
            }),
          404,
          'ModelArts.81009',
        ),
      );
      const models = await j.openai().models.list();
      assert.ok(!models.data.some((m) => m.id === j.serviceName), 'not listed while stopped');
      return `chat → 404 ModelArts.81009; GET /v1/models with the key → 200 (key valid)\n${events}`;
    },
  },
  {
    title: 'The user starts it again',
    async run(j) {
      await api('PUT', j.service(), { token: j.userToken, body: { status: 'running' } });
      await j.until('running', (s) => s.instances.ready === 3);
      const events = await j.lifecycleEventsAre('StartRequested', 'Starting', 'Started');
      const answer = await gatewayEventually('calls again after the start', () => j.chat());
      return `3/3 ready, "${answer.choices[0].message.content}"\n${events}`;
    },
  },
  {
    title: 'The user deletes the API key: calls fail with 401 ModelArts.81003',
    async run(j) {
      await api('DELETE', `${j.env.urls.keys}/v1/${j.project}/api-keys/${j.keyId}`, {
        token: j.userToken,
        expect: [204],
      });
      await gatewayEventually('the deleted key refused', () =>
        expectSdkFailure(() => j.chat(), 401, 'ModelArts.81003'),
      );
      const keyEvents = j.events.ofAggregate(j.keyId).map((e) => e.type);
      await j.events.waitFor(
        'ApiKeyDeleted',
        () => j.events.ofAggregate(j.keyId, 'ApiKeyDeleted').length === 1,
      );
      return `chat → 401 ModelArts.81003; maas.keys.v1: ${[...keyEvents, 'ApiKeyDeleted'].filter((t, i, a) => a.indexOf(t) === i).join(' → ')}`;
    },
  },
  {
    title: 'The user deletes the service: its Kubernetes objects are gone',
    async run(j) {
      await api('DELETE', j.service(), { token: j.userToken, body: { confirm: 'DELETE' } });
      await eventually(
        async () => {
          await api('GET', j.service(), { token: j.userToken, expect: [404] });
          return true;
        },
        { timeoutMs: 120_000, intervalMs: 250, description: 'the service gone' },
      );
      j.serviceDeleted = true;
      assert.equal(
        await j.cluster.deployment(j.namespace, j.k8sName),
        undefined,
        'Deployment gone',
      );
      assert.equal(await j.cluster.service(j.namespace, j.k8sName), undefined, 'Service gone');
      assert.deepEqual(await j.cluster.pods(j.namespace, j.serviceId), [], 'pods gone');
      const events = await j.lifecycleEventsAre('DeleteRequested', 'Deleted');
      assert.equal(
        (await j.lastSnapshot(j.expectedReasons.length)).deleted,
        true,
        'the last snapshot says deleted',
      );
      return `GET → 404; Deployment, Service, pods ${j.k8sName} gone\n${events}`;
    },
  },
  {
    title: 'Every step is on Kafka, in order',
    async run(j) {
      // The ledger holds exactly the calls the gateway recorded (one UsageRecorded each), and
      // every call the journey knows was routed is among them. Not "exactly the journey's
      // count": a call sent while a stop or a start is under way can get an answer the client
      // cannot tell routed from refused; the statuses say which, if the counts ever differ.
      const recorded = () =>
        j.events.events(
          (e) =>
            e.type === 'UsageRecorded' &&
            (e.event.payload as { serviceId?: string }).serviceId === j.serviceId,
        );
      const statuses = () =>
        recorded()
          .map((e) => (e.event.payload as { status?: number }).status)
          .join(',');
      const usage = await ledger(j, (totals) => {
        assert.equal(totals.requests, recorded().length, `UsageRecorded statuses: ${statuses()}`);
        assert.ok(
          totals.requests >= j.calls.requests,
          `the ledger (${totals.requests}) counts every call the gateway routed (${j.calls.requests}); statuses: ${statuses()}`,
        );
      });
      const changes = j.stateChanges();
      const flow = changes.map((c) => `${c.reason}→${stateName(c.to)}`).join(', ');
      const byTopic = new Map<string, number>();
      for (const e of j.events.events()) byTopic.set(e.topic, (byTopic.get(e.topic) ?? 0) + 1);
      await j.cluster.removeServers();
      return `${changes.length} lifecycle events: ${flow}\nevents of the account per topic: ${[
        ...byTopic,
      ]
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}; ledger: ${usage.requests} requests (${usage.failed_requests} refused)`;
    },
  },
];

/** The service's ledger totals, once `check` passes on them (both catch up asynchronously). */
async function ledger(
  j: Journey,
  check: (totals: Usage['totals']) => void,
): Promise<Usage['totals']> {
  const start = new Date(j.startedAt.getTime() - 60_000).toISOString();
  const url = `${j.env.urls.quotas}/v1/${j.project}/usage?granularity=minute&start=${start}&service_id=${j.serviceId}`;
  return eventually(
    async () => {
      const { body } = await api<Usage>('GET', url, { token: j.userToken });
      check(body.totals);
      return body.totals;
    },
    { timeoutMs: 30_000, intervalMs: 250, description: 'the ledger complete' },
  );
}

async function signIn(j: Journey, user: string, password: string): Promise<string> {
  const { headers } = await api('POST', `${j.env.urls.iam}/v3/auth/tokens`, {
    body: {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user, password, domain: { name: j.accountName } } },
        },
      },
    },
  });
  const token = headers.get('x-subject-token');
  assert.ok(token, 'X-Subject-Token');
  return token;
}

/** One chat call with fetch, for the statuses and headers of a burst. */
async function rawChat(j: Journey): Promise<{
  status: number;
  code?: string;
  retryAfter?: string | null;
  usage?: OpenAI.CompletionUsage;
}> {
  const res = await fetch(`${j.env.urls.gateway}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${j.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: j.serviceName,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 4,
    }),
  });
  const body = (await res.json()) as { error_code?: string; usage?: OpenAI.CompletionUsage };
  return {
    status: res.status,
    code: body.error_code,
    retryAfter: res.headers.get('retry-after'),
    usage: body.usage,
  };
}

export interface StepReport {
  index: number;
  title: string;
  ms: number;
  detail?: string;
  error?: unknown;
}

/**
 * Runs the whole journey, reporting each step as it finishes; stops at the first failure and
 * always cleans up (the service, the journey's servers, the Kafka group).
 */
export async function runJourney(
  report: (r: StepReport) => void,
  j = new Journey(),
): Promise<boolean> {
  await j.events.start();
  try {
    for (const [i, step] of steps.entries()) {
      const t0 = performance.now();
      try {
        const detail = await step.run(j);
        report({ index: i + 1, title: step.title, ms: performance.now() - t0, detail });
      } catch (error) {
        report({ index: i + 1, title: step.title, ms: performance.now() - t0, error });
        return false;
      }
    }
    return true;
  } finally {
    await j.cleanUp();
  }
}
