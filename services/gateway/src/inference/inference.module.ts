import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { KeyProjection } from '@maas/api-keys';
import { MemoryIamProjection, TokenVerifier } from '@maas/auth';
import { limiterRedisOptions, RateLimiter, RequestLimiter } from '@maas/limiter';
import { CallerAuthenticator } from '../auth/caller-authenticator.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { ServiceDirectory } from '../directory/index.js';
import { InstanceRegistry } from '../instances/index.js';
import { LimitPolicies } from '../policies/index.js';
import { UpstreamPools } from '../proxy/upstream-pools.js';
import { UpstreamProxy } from '../proxy/upstream-proxy.js';
import { UsageRecorder } from '../usage/index.js';
import { inferenceAccessLog } from './access-log.js';
import { ChatPipeline } from './chat-pipeline.js';
import { InFlightCalls } from './drain.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { registerInferenceRoutes } from './inference-routes.js';
import { IpRateLimit } from './ip-limit.js';
import { type ContentModeration, HttpModeration, WordListModeration } from './moderation.js';
import { ModelsListing } from './models-listing.js';

/**
 * The limiter's Redis connection. Connected in the background: the gateway starts (and
 * serves, the limiter failing open) while Redis is unreachable, and ioredis reconnects.
 */
function limiterRedis(url: string, timeoutMs: number): Redis {
  const redis = new Redis(url, { ...limiterRedisOptions(timeoutMs), lazyConnect: true });
  redis.on('error', () => undefined);
  redis.connect().catch(() => undefined);
  return redis;
}

function moderationOf(config: GatewayConfig, logger: Logger): ContentModeration | undefined {
  if (config.MODERATION_WORDS_FILE) {
    const words = WordListModeration.fromFile(config.MODERATION_WORDS_FILE);
    logger.log({ msg: 'content moderation on: word list', words: words.size });
    return words;
  }
  if (config.MODERATION_URL) {
    logger.log({ msg: 'content moderation on: HTTP service' });
    return new HttpModeration(config.MODERATION_URL, config.MODERATION_TIMEOUT_MS, (error) =>
      logger.warn({ msg: 'moderation service failed; call let through', err: String(error) }),
    );
  }
  return undefined;
}

/**
 * The inference data plane: builds the pipeline from the projections, the limiter, the
 * upstream pools and the usage recorder, and registers its raw Fastify routes before the
 * server starts. On shutdown, calls in flight (open streams) may finish until
 * DRAIN_TIMEOUT_MS; then the rest are cut, their usage so far still recorded.
 */
@Injectable()
export class InferenceServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Inference');
  private readonly inFlight = new InFlightCalls();
  private redis?: Redis;
  private pools?: UpstreamPools;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly keys: KeyProjection,
    private readonly iam: MemoryIamProjection,
    private readonly directory: ServiceDirectory,
    private readonly policies: LimitPolicies,
    private readonly instances: InstanceRegistry,
    private readonly usage: UsageRecorder,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    const config = this.config;
    this.redis = limiterRedis(config.REDIS_URL, config.LIMITER_TIMEOUT_MS);
    const rateLimiter = new RateLimiter({
      redis: this.redis,
      failureMode: config.LIMITER_FAILURE_MODE,
    });
    this.pools = new UpstreamPools({
      connections: config.UPSTREAM_CONNECTIONS,
      connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
      bodyTimeoutMs: config.UPSTREAM_IDLE_TIMEOUT_MS,
    });
    const auth = new CallerAuthenticator(
      this.keys,
      this.iam,
      TokenVerifier.remote(config.IAM_JWKS_URL),
      config.REGION,
    );
    const ipLimit =
      config.IP_RATE_LIMIT_PER_MINUTE > 0
        ? new IpRateLimit(rateLimiter, config.IP_RATE_LIMIT_PER_MINUTE)
        : undefined;
    const chat = new ChatPipeline({
      region: config.REGION,
      trustProxy: config.TRUST_PROXY,
      auth,
      directory: this.directory,
      policies: this.policies,
      limiter: new RequestLimiter(rateLimiter),
      ipLimit,
      moderation: moderationOf(config, this.logger),
      proxy: new UpstreamProxy(this.instances, this.pools),
      usage: this.usage,
      metrics: this.metrics,
      inFlight: this.inFlight,
      accessLog: inferenceAccessLog(config.LOG_LEVEL),
    });
    const models = new ModelsListing(
      auth,
      this.directory,
      config.REGION,
      (r) => chat.clientIp(r),
      ipLimit,
    );
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    registerInferenceRoutes(fastify, chat, models);
    // Server closing (SIGTERM): stop taking calls, let open ones run until the deadline.
    fastify.addHook('preClose', (done) => {
      const open = this.inFlight.size;
      if (open > 0) this.logger.log({ msg: 'draining calls in flight', open });
      this.inFlight
        .drain(config.DRAIN_TIMEOUT_MS)
        .then(({ cut }) => cut > 0 && this.logger.warn({ msg: 'drain deadline: calls cut', cut }))
        .catch(() => undefined);
      // A keep-alive connection whose stream ended after closing began would hold the close
      // open (Node closes idle connections only when close starts): close them as they idle.
      const sweep = setInterval(() => fastify.server.closeIdleConnections(), 100);
      sweep.unref();
      done();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pools?.close();
    this.redis?.disconnect();
  }
}

@Module({ providers: [GatewayMetrics, InferenceServer] })
export class InferenceModule {}
