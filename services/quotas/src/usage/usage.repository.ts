import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';
import { type UsageCounter } from './usage-aggregation.js';

export const USAGE_DIMENSIONS = ['project_id', 'key_id', 'service_id', 'model'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

export interface UsageQuery {
  accountId: string;
  /** Absent: the whole account. */
  projectId?: string;
  granularity: 'minute' | 'day';
  /** [start, end) */
  start: Date;
  end: Date;
  groupBy: readonly UsageDimension[];
  filters: Partial<Record<Exclude<UsageDimension, 'project_id'>, string>>;
  limit: number;
}

export interface UsageRow {
  bucket: Date | string;
  group: Partial<Record<UsageDimension, string>>;
  requests: number;
  failedRequests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

type RawRow = Record<string, string | Date> & {
  bucket: Date | string;
  requests: string;
  failed_requests: string;
  prompt_tokens: string;
  completion_tokens: string;
  total_tokens: string;
};

/** Every query on the usage ledger (and the inbox of its consumer). */
@Injectable()
export class UsageRepository {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(QUOTAS_CONFIG) config: QuotasConfig,
  ) {
    this.s = quoteIdent(config.DB_SCHEMA);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Records the events in the inbox; returns the ids that were not there yet. */
  async claim(
    manager: EntityManager,
    consumer: string,
    eventIds: readonly string[],
  ): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await manager.query<{ event_id: string }[]>(
      `INSERT INTO ${this.s}.inbox (consumer, event_id)
       SELECT $1, id FROM unnest($2::uuid[]) AS id
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, [...new Set(eventIds)]],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /** Adds counters to the minute or day table, one statement per table. */
  async add(
    manager: EntityManager,
    table: 'usage_minute' | 'usage_day',
    counters: readonly UsageCounter[],
  ): Promise<void> {
    if (counters.length === 0) return;
    const bucket = table === 'usage_minute' ? 'minute' : 'day';
    const bucketType = table === 'usage_minute' ? 'timestamptz' : 'date';
    const t = `${this.s}.${table}`;
    const col = <K extends keyof UsageCounter>(k: K) => counters.map((c) => c[k]);
    await manager.query(
      `INSERT INTO ${t} (${bucket}, account_id, project_id, key_id, service_id, model, requests, prompt_tokens, completion_tokens, total_tokens, failed_requests)
       SELECT * FROM unnest($1::${bucketType}[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])
       ON CONFLICT (account_id, ${bucket}, project_id, key_id, service_id, model) DO UPDATE SET
         requests = ${t}.requests + EXCLUDED.requests,
         failed_requests = ${t}.failed_requests + EXCLUDED.failed_requests,
         prompt_tokens = ${t}.prompt_tokens + EXCLUDED.prompt_tokens,
         completion_tokens = ${t}.completion_tokens + EXCLUDED.completion_tokens,
         total_tokens = ${t}.total_tokens + EXCLUDED.total_tokens`,
      [
        col('bucket'),
        col('accountId'),
        col('projectId'),
        col('keyId'),
        col('serviceId'),
        col('model'),
        col('requests'),
        col('promptTokens'),
        col('completionTokens'),
        col('totalTokens'),
        col('failedRequests'),
      ],
    );
  }

  /** Sums per bucket and the requested dimensions, in bucket then group order. */
  async query(q: UsageQuery): Promise<UsageRow[]> {
    const minute = q.granularity === 'minute';
    const table = minute ? 'usage_minute' : 'usage_day';
    // Days are UTC calendar days, compared and returned as YYYY-MM-DD (never via a Date in
    // the session's time zone).
    const bucket = minute ? 'minute' : `to_char(day, 'YYYY-MM-DD')`;
    const range = minute
      ? [`minute >= $2::timestamptz`, `minute < $3::timestamptz`]
      : [`day >= $2::date`, `day < $3::date`];
    const bound = (d: Date) => (minute ? d.toISOString() : d.toISOString().slice(0, 10));
    const params: unknown[] = [q.accountId, bound(q.start), bound(q.end)];
    const where = [`account_id = $1`, ...range];
    if (q.projectId !== undefined) {
      params.push(q.projectId);
      where.push(`project_id = $${params.length}`);
    }
    for (const [dimension, value] of Object.entries(q.filters)) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${dimension} = $${params.length}`);
    }
    // Dimensions come from a fixed list (USAGE_DIMENSIONS), never from the request text.
    const groups = USAGE_DIMENSIONS.filter((d) => q.groupBy.includes(d));
    const grouping = ['bucket', ...groups].join(', ');
    params.push(q.limit);
    const rows = await this.dataSource.query<RawRow[]>(
      `SELECT ${[`${bucket} AS bucket`, ...groups].join(', ')}, sum(requests) AS requests,
              sum(failed_requests) AS failed_requests, sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
              sum(total_tokens) AS total_tokens
         FROM ${this.s}.${table} WHERE ${where.join(' AND ')}
        GROUP BY ${grouping} ORDER BY ${grouping} LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      bucket: r.bucket,
      group: Object.fromEntries(groups.map((g) => [g, String(r[g])])),
      requests: Number(r.requests),
      failedRequests: Number(r.failed_requests),
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens),
      totalTokens: Number(r.total_tokens),
    }));
  }
}
