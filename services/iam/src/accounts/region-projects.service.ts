import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SyncRegionProjects } from './usecases/sync-region-projects.js';

/** At start, gives existing accounts their projects in newly configured regions. */
@Injectable()
export class RegionProjectsOnBoot implements OnApplicationBootstrap {
  constructor(private readonly sync: SyncRegionProjects) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync.execute();
  }
}
