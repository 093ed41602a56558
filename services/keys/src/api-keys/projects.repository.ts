import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { quoteIdent } from '@maas/database';

/** Reads this service's projection of IAM projects (kept by IamProjection from maas.iam.v1). */
@Injectable()
export class ProjectsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The region of an existing project of the account, or undefined. */
  async regionOf(accountId: string, projectId: string): Promise<string | undefined> {
    const { schema = 'public' } = this.dataSource.options as { schema?: string };
    const rows = await this.dataSource.query<{ region: string }[]>(
      `SELECT region FROM ${quoteIdent(schema)}.iam_projects
        WHERE project_id = $1 AND account_id = $2 AND NOT deleted`,
      [projectId, accountId],
    );
    return rows[0]?.region;
  }
}
