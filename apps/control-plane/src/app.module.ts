/**
 * The HTTP application: modules per bounded context, the global auth guard, idempotency
 * interceptor and problem+json fallback filter, JSON body parsing, and the OpenAPI document
 * at /v1/openapi.json. `createApi` is used by main.ts and by the tests (in-process).
 */
import 'reflect-metadata';
import { Controller, Get, Inject, Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Redis } from 'ioredis';
import type { OpenAPIObject } from '@nestjs/swagger';
import { applyMigrations, connectDatabase, type Db } from '@tributary/db';
import type { ControlPlaneConfig } from './config.js';
import { Public } from './platform/actor.js';
import { FallbackProblemFilter } from './platform/exception-filters.js';
import { IdempotencyInterceptor } from './platform/idempotency.interceptor.js';
import { jsonBody } from './platform/json-body.js';
import { buildOpenApi } from './platform/openapi.js';
import { systemClock, type Clock } from './platform/clock.js';
import { PlatformModule } from './platform/platform.module.js';
import { Queues } from './platform/queues.js';
import { connectRedis, pingRedis } from './platform/redis.js';
import { AclsModule } from './modules/acls/acls.module.js';
import { AgentModule } from './modules/agent/agent.module.js';
import { seedLocalAgent } from './modules/agent/agent-tokens.js';
import { ApiKeysModule } from './modules/api-keys/api-keys.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { ClustersModule } from './modules/clusters/clusters.module.js';
import { EnvironmentsModule } from './modules/environments/environments.module.js';
import { OperationsModule } from './modules/operations/operations.module.js';
import { OrgsModule } from './modules/orgs/orgs.module.js';
import { ServiceAccountsModule } from './modules/service-accounts/service-accounts.module.js';
import { TopicsModule } from './modules/topics/topics.module.js';

const OPENAPI = Symbol('OpenApi');

@ApiExcludeController()
@Controller('v1')
class OpenApiController {
  constructor(@Inject(OPENAPI) private readonly doc: { current?: OpenAPIObject }) {}
  @Public()
  @Get('openapi.json')
  openapi() {
    return this.doc.current;
  }
  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }
}

export interface Api {
  app: INestApplication;
  db: Db;
  redis: Redis;
  queues: Queues;
  close(): Promise<void>;
}

export async function createApi(
  config: ControlPlaneConfig,
  opts: { logger?: false; clock?: Clock } = {},
): Promise<Api> {
  const db = await connectDatabase(config.databaseUrl);
  const redis = connectRedis(config.redisUrl);
  const queues = new Queues({ url: config.redisUrl, maxRetriesPerRequest: null });
  try {
    await pingRedis(redis);
    await applyMigrations({ databaseUrl: config.databaseUrl });
    await seedLocalAgent(db, config);
  } catch (e) {
    redis.disconnect();
    await queues.close().catch(() => undefined);
    await db.$disconnect();
    throw e;
  }
  const openapi: { current?: OpenAPIObject } = {};

  @Module({
    imports: [
      PlatformModule.forRoot({ db, config, redis, queues, clock: opts.clock ?? systemClock }),
      AuthModule,
      OrgsModule,
      AuditModule,
      OperationsModule,
      EnvironmentsModule,
      ClustersModule,
      TopicsModule,
      ServiceAccountsModule,
      ApiKeysModule,
      AclsModule,
      AgentModule,
    ],
    controllers: [OpenApiController],
    providers: [
      { provide: OPENAPI, useValue: openapi },
      { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      { provide: APP_FILTER, useClass: FallbackProblemFilter },
    ],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, {
    bodyParser: false,
    logger: opts.logger ?? ['error', 'warn'],
  });
  app.use(jsonBody);
  (app.getHttpAdapter().getInstance() as { set(k: string, v: unknown): void }).set(
    'trust proxy',
    'loopback',
  );
  await app.init();
  openapi.current = buildOpenApi(app);
  return {
    app,
    db,
    redis,
    queues,
    async close() {
      await app.close();
      await queues.close().catch(() => undefined);
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
