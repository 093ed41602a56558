import { Module } from '@nestjs/common';
import { ServiceEventsRepository } from './service-events.repository.js';

/** The service events table (one row per transition). */
@Module({ providers: [ServiceEventsRepository], exports: [ServiceEventsRepository] })
export class ServiceEventsModule {}
