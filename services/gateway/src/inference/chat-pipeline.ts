import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type RequestLimiter } from '@maas/limiter';
import {
  type AuthResult,
  bearerSecret,
  type Caller,
  type CallerAuthenticator,
} from '../auth/caller-authenticator.js';
import { type RoutableService, type ServiceDirectory } from '../directory/index.js';
import { type GatewayError } from '../errors/gateway-error.js';
import { type LimitPolicies } from '../policies/index.js';
import {
  isEventStream,
  readBody,
  relayStream,
  type RelayOutcome,
  usageOfBody,
} from '../proxy/response-relay.js';
import { classifyUpstreamError } from '../proxy/upstream-errors.js';
import { type UpstreamProxy, type UpstreamResponse } from '../proxy/upstream-proxy.js';
import { type TokenUsage } from '../proxy/usage.js';
import { type UsageRecorder } from '../usage/index.js';
import {
  type ChatRequest,
  checkModelRules,
  parseJsonBody,
  validateChatRequest,
} from '../validation/index.js';
import { type CallContext, type ChatRoute, routeLabel } from './call-context.js';
import { type InFlightCalls } from './drain.js';
import {
  apiNotFound,
  backendTimeout,
  backendUnavailable,
  errorPayload,
  freeQuotaUsedUp,
  internalError,
  invalidModel,
  limiterUnavailable,
  missingAuthorization,
  modelDoesNotExist,
  noAccess,
  sensitiveContent,
  shuttingDown,
} from '../errors/answers.js';
import { type GatewayMetrics } from './gateway-metrics.js';
import { type IpRateLimit } from './ip-limit.js';
import { type ContentModeration } from './moderation.js';
import {
  completionBudget,
  contentText,
  estimatePromptTokens,
  promptText,
} from './token-estimate.js';

export interface ChatPipelineDeps {
  region: string;
  trustProxy: boolean;
  auth: CallerAuthenticator;
  directory: ServiceDirectory;
  policies: LimitPolicies;
  limiter: RequestLimiter;
  ipLimit?: IpRateLimit;
  moderation?: ContentModeration;
  proxy: UpstreamProxy;
  usage: UsageRecorder;
  metrics: GatewayMetrics;
  inFlight: InFlightCalls;
  /** Writes the access log line of a call (see access-log.ts). */
  accessLog: (line: Record<string, unknown>) => void;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** A parsed and validated body, and the bytes to send upstream. */
interface PreparedBody {
  request: ChatRequest;
  upstreamBody: Buffer | string;
  keepUsageChunk: boolean;
}

/**
 * One chat completion call through the gateway (SPEC §8): credentials (in-memory key and IAM
 * projections) → body (Tables 4-8, 4-13..4-15) → service (own services, then preset ones) →
 * key scope → free quota → moderation (optional) → limits (one Redis round trip: RPM/TPM
 * of the key and of the key and model, QPS of the service; TPM reserved from the prompt
 * estimate + max_tokens) → a ready instance (least outstanding, keep-alive) → the answer
 * relayed (SSE chunk by chunk) → TPM settled and usage recorded from the real counts.
 */
export class ChatPipeline {
  private readonly logger = new Logger('Inference');

  constructor(private readonly deps: ChatPipelineDeps) {}

  /** The client's address: the socket's, or the one the load balancer in front appended. */
  clientIp(request: FastifyRequest): string {
    if (this.deps.trustProxy) {
      const forwarded = header(request, 'x-forwarded-for');
      const last = forwarded?.split(',').at(-1)?.trim();
      if (last) return last;
    }
    return request.socket.remoteAddress ?? '';
  }

  async handle(request: FastifyRequest, reply: FastifyReply, route: ChatRoute): Promise<void> {
    const ctx: CallContext = {
      requestId: String(request.id),
      route: routeLabel(route),
      startedAt: performance.now(),
      clientIp: this.clientIp(request),
      model: '',
      stream: false,
      promptEstimate: 0,
      controller: new AbortController(),
      attempts: 0,
      finished: false,
    };
    this.deps.metrics.started();
    this.deps.inFlight.add(ctx.controller);
    // The client went away before the answer ended: stop the model's work too.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) ctx.controller.abort(new Error('client closed'));
    });
    try {
      await this.run(request, reply, route, ctx);
    } catch (error) {
      this.logger.error({ msg: 'inference call failed', request_id: ctx.requestId, err: error });
      if (!reply.sent) this.refuse(reply, ctx, internalError());
      else this.finish(ctx, 500);
    } finally {
      this.deps.inFlight.delete(ctx.controller);
    }
  }

  private async run(
    request: FastifyRequest,
    reply: FastifyReply,
    route: ChatRoute,
    ctx: CallContext,
  ): Promise<void> {
    if (this.deps.inFlight.draining) return this.refuse(reply, ctx, shuttingDown());
    const ipRefusal = await this.deps.ipLimit?.check(ctx.clientIp);
    if (ipRefusal) return this.refuse(reply, ctx, ipRefusal);

    const auth = await this.authenticate(request, route, ctx.clientIp);
    if (!auth.ok) return this.refuse(reply, ctx, auth.error);
    ctx.caller = auth.caller;

    const routed = this.routeCall(request.body, route, auth.caller, ctx);
    if (!routed.ok) return this.refuse(reply, ctx, routed.error);
    const { service, body } = routed;

    // Routed: from here on every outcome is recorded in the usage ledger.
    ctx.service = service;
    ctx.promptEstimate = estimatePromptTokens(body.request);
    const admitted = await this.admit(ctx, auth.caller, service, body.request);
    if (admitted) return this.refuse(reply, ctx, admitted);
    await this.forward(reply, ctx, service, body);
  }

  /**
   * The path's service (per-service and V1 paths), the body, the service `model` names
   * (region and V2 paths), the model's own rules and the key's scope.
   */
  private routeCall(
    raw: unknown,
    route: ChatRoute,
    caller: Caller,
    ctx: CallContext,
  ):
    | { ok: true; service: RoutableService; body: PreparedBody }
    | { ok: false; error: GatewayError } {
    const pathService = this.pathService(route, caller);
    if (pathService && !pathService.ok) return pathService;
    const body = this.prepare(raw, route, pathService?.service);
    if (!body.ok) return body;
    const chat = body.value.request;
    ctx.model = chat.model;
    ctx.stream = chat.stream === true;
    const routed = pathService
      ? this.checkModel(pathService.service, chat.model)
      : this.resolve(caller, chat.model);
    if (!routed.ok) return routed;
    const { service } = routed;
    const refusal =
      checkModelRules(chat, service) ??
      this.deps.auth.scopeRefusal(caller, {
        serviceId: service.serviceId,
        model: chat.model,
        clientIp: ctx.clientIp,
      });
    if (refusal) return { ok: false, error: refusal };
    return { ok: true, service, body: body.value };
  }

  private async authenticate(
    request: FastifyRequest,
    route: ChatRoute,
    clientIp: string,
  ): Promise<AuthResult> {
    if (route.kind !== 'v1') {
      const secret = bearerSecret(header(request, 'authorization'));
      if (secret === undefined) return { ok: false, error: missingAuthorization() };
      return this.deps.auth.key(secret, clientIp);
    }
    // V1 (seed 000): an IAM token, or the API key as X-Apig-AppCode (or as a Bearer).
    const token = header(request, 'x-auth-token');
    if (token !== undefined && token.trim() !== '') {
      return this.deps.auth.token(token.trim(), route.projectId);
    }
    const appCode = header(request, 'x-apig-appcode');
    const secret =
      appCode !== undefined && appCode.trim() !== ''
        ? appCode.trim()
        : bearerSecret(header(request, 'authorization'));
    if (secret === undefined) return { ok: false, error: missingAuthorization() };
    return this.deps.auth.key(secret, clientIp, route.projectId);
  }

  /**
   * The service a path names (per-service and V1 paths). An id this caller cannot see (no
   * such service, another region, another tenant's) is an API that does not exist
   * (APIG.0101); a preset service not enabled for the account is 81004; a service that is not
   * in a callable state is 81009.
   */
  private pathService(
    route: ChatRoute,
    caller: Caller,
  ): { ok: true; service: RoutableService } | { ok: false; error: GatewayError } | undefined {
    if (route.kind !== 'service' && route.kind !== 'v1') return undefined;
    const service = this.deps.directory.get(route.serviceId);
    if (!service || service.region !== this.deps.region) return { ok: false, error: apiNotFound() };
    if (service.projectId !== caller.projectId) {
      if (!service.preset) return { ok: false, error: apiNotFound() };
      if (!this.deps.directory.isPresetEnabled(caller.accountId, service.serviceId)) {
        return { ok: false, error: noAccess() };
      }
    }
    if (!service.callable) return { ok: false, error: invalidModel() };
    return { ok: true, service };
  }

  /** On a path that names the service, `model` must be its served name (vLLM's 404 otherwise). */
  private checkModel(
    service: RoutableService,
    model: string,
  ): { ok: true; service: RoutableService } | { ok: false; error: GatewayError } {
    if (model !== service.name) return { ok: false, error: modelDoesNotExist(model) };
    return { ok: true, service };
  }

  /**
   * `model` among the caller's project's services, then the region's preset services
   * (SPEC §8). Unknown or not callable → 81009 "Invalid model."; a preset service the
   * account has not enabled → 81004.
   */
  private resolve(
    caller: Caller,
    model: string,
  ): { ok: true; service: RoutableService } | { ok: false; error: GatewayError } {
    const resolution = this.deps.directory.resolve(caller.projectId, caller.accountId, model);
    if (resolution.ok) return resolution;
    if (resolution.reason === 'preset_not_enabled') return { ok: false, error: noAccess() };
    return { ok: false, error: invalidModel() };
  }

  /**
   * Parses and validates the body. The V1 API's body may leave `model` out (the path names
   * the deployment, seed 000's example has none): the service's name is filled in. A
   * streamed call always asks the model server for usage (the tokens must be counted);
   * the usage-only chunk is dropped again for a client that did not ask for it.
   */
  private prepare(
    raw: unknown,
    route: ChatRoute,
    pathService: RoutableService | undefined,
  ): { ok: true; value: PreparedBody } | { ok: false; error: GatewayError } {
    const bytes = Buffer.isBuffer(raw) ? raw : undefined;
    const parsed = parseJsonBody(bytes);
    if (!parsed.ok) return parsed;
    const filled = route.kind === 'v1' ? withModel(parsed.value, pathService) : parsed.value;
    const validated = validateChatRequest(filled);
    if (!validated.ok) return validated;
    const chat = validated.request;
    const keepUsageChunk = chat.stream_options?.include_usage === true;
    const askUsage = chat.stream === true && !keepUsageChunk;
    // The client's bytes as they came, unless the gateway had to change the request.
    const upstreamBody =
      bytes && !askUsage && filled === parsed.value
        ? bytes
        : jsonOf(askUsage ? withUsage(chat) : chat);
    return { ok: true, value: { request: chat, upstreamBody, keepUsageChunk } };
  }

  /**
   * Free quota, moderation and the limits; the refusal, or undefined when admitted (the
   * admission, with its TPM reservation, is kept on the context to settle).
   */
  private async admit(
    ctx: CallContext,
    caller: Caller,
    service: RoutableService,
    chat: ChatRequest,
  ): Promise<GatewayError | undefined> {
    if (service.preset && this.deps.policies.freeQuotaUsedUp(caller.projectId, chat.model)) {
      return freeQuotaUsedUp();
    }
    if (this.deps.moderation && (await this.deps.moderation.flagged(promptText(chat)))) {
      return sensitiveContent();
    }
    const keyId = caller.kind === 'key' ? caller.keyId : `user:${caller.userId}`;
    const limits = caller.kind === 'key' ? this.deps.policies.keyLimits(keyId, chat.model) : {};
    const admission = await this.deps.limiter.admit({
      keyId,
      model: chat.model,
      serviceId: service.serviceId,
      ...limits,
      serviceQps: serviceQps(service.qps, this.deps.policies.serviceQps(service.serviceId)),
      maxTokens: ctx.promptEstimate + completionBudget(chat, service.maxOutputTokens),
    });
    if (admission.degraded) this.deps.metrics.limiterUnavailable();
    if (admission.allowed) {
      ctx.admission = admission;
      return undefined;
    }
    if (!admission.error) return limiterUnavailable();
    const { status, code, message } = admission.error;
    return {
      status,
      body: { error_code: code, error_msg: message },
      headers: admission.headers,
    };
  }

  private async forward(
    reply: FastifyReply,
    ctx: CallContext,
    service: RoutableService,
    body: PreparedBody,
  ): Promise<void> {
    const result = await this.deps.proxy.send(service, {
      method: 'POST',
      path: '/v1/chat/completions',
      body: body.upstreamBody,
      requestId: ctx.requestId,
      signal: ctx.controller.signal,
    });
    ctx.attempts = result.ok ? result.response.attempts : result.attempts;
    this.deps.metrics.retried(service.serviceId, ctx.attempts - 1);
    if (!result.ok) {
      if (result.failure === 'aborted') return this.finish(ctx, 499);
      this.deps.metrics.upstreamError(service.serviceId, result.failure);
      return this.refuse(
        reply,
        ctx,
        result.failure === 'timeout' ? backendTimeout() : backendUnavailable(),
      );
    }
    const { response } = result;
    const limitHeaders = ctx.admission?.headers ?? {};
    try {
      if (ctx.stream && isEventStream(response)) {
        const outcome = await relayStream(
          response,
          reply,
          limitHeaders,
          body.keepUsageChunk,
          ctx.controller.signal,
        );
        if (outcome.failure && outcome.failure !== 'aborted') {
          this.deps.metrics.upstreamError(service.serviceId, outcome.failure);
        }
        return this.finish(ctx, outcome.status, this.usageOf(ctx, outcome));
      }
      await this.relayWhole(reply, ctx, response, limitHeaders);
    } finally {
      response.lease.release();
    }
  }

  /** A non-streamed answer (or an error answer to a streamed call): read whole, passed on. */
  private async relayWhole(
    reply: FastifyReply,
    ctx: CallContext,
    response: UpstreamResponse,
    limitHeaders: Record<string, string>,
  ): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(response);
    } catch (error) {
      return this.readFailed(reply, ctx, error);
    }
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    const usage = ok ? usageOfBody(body) : undefined;
    if (ok && this.deps.moderation && (await this.outputFlagged(body))) {
      return this.refuse(reply, ctx, sensitiveContent(), usage);
    }
    const type = response.headers['content-type'];
    void reply
      .code(response.statusCode)
      .headers(limitHeaders)
      .type(typeof type === 'string' ? type : 'application/json')
      .send(body);
    this.finish(ctx, response.statusCode, usage);
  }

  /** The answer broke off (timeout, broken connection) or the client went away meanwhile. */
  private readFailed(reply: FastifyReply, ctx: CallContext, error: unknown): void {
    const failure = ctx.controller.signal.aborted ? 'aborted' : classifyUpstreamError(error);
    if (failure === 'aborted') return this.finish(ctx, 499);
    this.deps.metrics.upstreamError(ctx.service?.serviceId ?? '', failure);
    this.refuse(reply, ctx, failure === 'timeout' ? backendTimeout() : backendUnavailable());
  }

  /** Non-streamed output moderation (seed 002 Table 4-19 81011: "input or non-streaming output"). */
  private async outputFlagged(body: Buffer): Promise<boolean> {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as {
        choices?: { message?: { content?: unknown; reasoning_content?: unknown } }[];
      };
      const text = (parsed.choices ?? [])
        .map(
          (c) => `${contentText(c.message?.content)}\n${contentText(c.message?.reasoning_content)}`,
        )
        .join('\n');
      return await this.deps.moderation!.flagged(text);
    } catch {
      return false;
    }
  }

  private usageOf(ctx: CallContext, outcome: RelayOutcome): TokenUsage | undefined {
    if (outcome.usage) return outcome.usage;
    if (outcome.partialCompletionTokens === undefined) return undefined;
    // A cut stream: the prompt as estimated, the completion as far as it came.
    const completion = outcome.partialCompletionTokens;
    return {
      promptTokens: ctx.promptEstimate,
      completionTokens: completion,
      totalTokens: ctx.promptEstimate + completion,
    };
  }

  /** Answers with a gateway error (platform or vLLM shape) and records the outcome. */
  private refuse(
    reply: FastifyReply,
    ctx: CallContext,
    error: GatewayError,
    usage?: TokenUsage,
  ): void {
    if (!reply.sent) {
      void reply
        .code(error.status)
        .headers(error.headers ?? {})
        .type('application/json')
        .send(errorPayload(error, ctx.requestId));
    }
    this.finish(ctx, error.status, usage);
  }

  /**
   * Once per call: metrics, the access log line (ids and counts, never a secret), and for a
   * routed call the TPM settlement and the usage record.
   */
  private finish(ctx: CallContext, status: number, usage?: TokenUsage): void {
    if (ctx.finished) return;
    ctx.finished = true;
    const latencyMs = performance.now() - ctx.startedAt;
    const tokens = countsOf(usage);
    const serviceId = ctx.service?.serviceId ?? '';
    this.deps.metrics.finished(ctx.route, status, serviceId, latencyMs / 1000, ctx.stream);
    if (ctx.service && ctx.caller)
      this.record(ctx, ctx.service, ctx.caller, status, tokens, latencyMs);
    this.accessLog(ctx, status, tokens, latencyMs);
  }

  private record(
    ctx: CallContext,
    service: RoutableService,
    caller: Caller,
    status: number,
    tokens: TokenUsage,
    latencyMs: number,
  ): void {
    this.deps.metrics.tokensUsed(service.serviceId, tokens.promptTokens, tokens.completionTokens);
    if (ctx.admission && ctx.admission.reservations.length > 0) {
      this.deps.limiter.settle(ctx.admission, tokens.totalTokens).catch(() => undefined);
    }
    this.deps.usage.record({
      requestId: ctx.requestId,
      accountId: caller.accountId,
      projectId: caller.projectId,
      keyId: caller.kind === 'key' ? caller.keyId : '',
      serviceId: service.serviceId,
      model: ctx.model,
      promptTokens: tokens.promptTokens,
      completionTokens: tokens.completionTokens,
      totalTokens: tokens.totalTokens,
      presetService: service.preset,
      status,
      latencyMs: Math.round(latencyMs),
      stream: ctx.stream,
      finishedAt: new Date(),
    });
  }

  /** The access log line: request id, route, outcome, ids and counts — never a credential. */
  private accessLog(ctx: CallContext, status: number, tokens: TokenUsage, latencyMs: number): void {
    const caller = ctx.caller;
    this.deps.accessLog({
      request_id: ctx.requestId,
      route: ctx.route,
      status,
      service_id: ctx.service?.serviceId,
      key_id: caller?.kind === 'key' ? caller.keyId : undefined,
      user_id: caller?.kind === 'token' ? caller.userId : undefined,
      model: ctx.model || undefined,
      stream: ctx.stream,
      prompt_tokens: tokens.promptTokens,
      completion_tokens: tokens.completionTokens,
      attempts: ctx.attempts,
      latency_ms: Math.round(latencyMs * 10) / 10,
    });
  }
}

function countsOf(usage: TokenUsage | undefined): TokenUsage {
  if (!usage) return { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  return usage;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The V1 body with the deployment's served name as `model` when it has none (seed 000). The
 * parsed body is a PyDict (a Map, validation/py-value.ts) or, from tests, a plain object.
 */
function withModel(value: unknown, service: RoutableService | undefined): unknown {
  if (!service) return value;
  if (value instanceof Map) {
    return value.has('model')
      ? value
      : new Map([...(value as Map<string, unknown>), ['model', service.name]]);
  }
  if (!isObject(value) || 'model' in value) return value;
  return { ...value, model: service.name };
}

/** The request with `stream_options.include_usage: true` (the gateway counts every token). */
function withUsage(chat: ChatRequest): ChatRequest {
  return { ...chat, stream_options: { ...(chat.stream_options ?? {}), include_usage: true } };
}

/** JSON of a validated request (an exact big integer is sent as a number). */
function jsonOf(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

/** The service's QPS: the lower of its own setting and a quotas policy (0 = none). */
export function serviceQps(own: number, policy: number | undefined): number {
  const limits = [own, policy ?? 0].filter((q) => q > 0);
  return limits.length === 0 ? 0 : Math.min(...limits);
}
