import { MINUTE_MS, type RateLimiter, rateLimitHeaders } from '@maas/limiter';
import { type GatewayError } from '../errors/gateway-error.js';
import { ipOverRateLimit } from '../errors/answers.js';

/**
 * The optional per-client-address limit (seed 002 Table 4-19: 429 APIG.0308 "The throttling
 * threshold has been reached: policy ip over ratelimit,limit:N,time:1 minute"), counted in
 * the shared limiter so it holds across replicas. Checked before anything else: it protects
 * the gateway itself. Fails open like the other limits.
 */
export class IpRateLimit {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly perMinute: number,
  ) {}

  async check(clientIp: string): Promise<GatewayError | undefined> {
    const decision = await this.limiter.check([
      {
        name: 'ip',
        key: `ip:{${clientIp.replaceAll(/[{}]/g, '_')}}:rpm`,
        limit: this.perMinute,
        windowMs: MINUTE_MS,
        cost: 1,
      },
    ]);
    // Redis unavailable: let the call through whatever the limiter's mode (this is a safeguard).
    if (decision.allowed || decision.reason === 'unavailable') return undefined;
    return ipOverRateLimit(this.perMinute, rateLimitHeaders(decision));
  }
}
