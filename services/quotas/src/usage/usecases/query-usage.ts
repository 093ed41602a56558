import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import {
  type UsageEntryResponse,
  type UsageQueryRequest,
  type UsageResponse,
} from '../dto/usage.dto.js';
import { UsageRangeError } from '../usage.errors.js';
import { UsageRepository } from '../usage.repository.js';

const DAY_MS = 86_400_000;
const MAX_ROWS = 10_000;
const LIMITS = {
  minute: { span: DAY_MS, fallback: DAY_MS },
  day: { span: 400 * DAY_MS, fallback: 30 * DAY_MS },
};

/** Usage sums per minute or day, broken down by project, key, service and model as asked. */
@Injectable()
export class QueryUsage {
  constructor(private readonly usage: UsageRepository) {}

  async execute(
    { caller }: RequestContext,
    projectId: string,
    q: UsageQueryRequest,
  ): Promise<UsageResponse> {
    const granularity = q.granularity ?? 'day';
    const end = q.end ? new Date(q.end) : new Date();
    const start = q.start
      ? new Date(q.start)
      : new Date(end.getTime() - LIMITS[granularity].fallback);
    if (start >= end) throw new UsageRangeError('start must be before end');
    if (end.getTime() - start.getTime() > LIMITS[granularity].span) {
      throw new UsageRangeError(
        granularity === 'minute'
          ? 'a minute query spans at most 24 hours'
          : 'a day query spans at most 400 days',
      );
    }
    // Day buckets are whole UTC days: [day of start, day after the day of end) unless end is midnight.
    const dayEnd = new Date(Math.ceil(end.getTime() / DAY_MS) * DAY_MS);
    const groupBy = [...new Set(q.group_by ?? [])];
    const rows = await this.usage.query({
      accountId: caller.accountId,
      ...(q.scope === 'account' ? {} : { projectId }),
      granularity,
      start,
      end: granularity === 'day' ? dayEnd : end,
      groupBy,
      filters: { key_id: q.key_id, service_id: q.service_id, model: q.model },
      limit: MAX_ROWS + 1,
    });
    const entries = rows.slice(0, MAX_ROWS).map((r): UsageEntryResponse => ({
      time: r.bucket instanceof Date ? r.bucket.toISOString() : r.bucket,
      ...r.group,
      requests: r.requests,
      failed_requests: r.failedRequests,
      prompt_tokens: r.promptTokens,
      completion_tokens: r.completionTokens,
      total_tokens: r.totalTokens,
    }));
    const sum = (
      k: 'requests' | 'failed_requests' | 'prompt_tokens' | 'completion_tokens' | 'total_tokens',
    ) => entries.reduce((n, e) => n + e[k], 0);
    return {
      granularity,
      start: start.toISOString(),
      end: end.toISOString(),
      group_by: groupBy,
      usage: entries,
      totals: {
        requests: sum('requests'),
        failed_requests: sum('failed_requests'),
        prompt_tokens: sum('prompt_tokens'),
        completion_tokens: sum('completion_tokens'),
        total_tokens: sum('total_tokens'),
      },
      truncated: rows.length > MAX_ROWS,
    };
  }
}
