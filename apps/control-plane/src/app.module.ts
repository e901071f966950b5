/**
 * The HTTP application: modules per bounded context, the global auth guard, idempotency
 * interceptor and problem+json fallback filter, JSON body parsing, and the OpenAPI document
 * at /v1/openapi.json. `createApi` is used by main.ts and by the tests (in-process).
 */
import 'reflect-metadata';
import { Controller, Get, Inject, Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
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
import { Queues } from './platform/queues.js';
import { connectRedis, pingRedis } from './platform/redis.js';
import { CONFIG, DB, QUEUES, REDIS } from './platform/tokens.js';
import { AclsController } from './modules/acls/acls.controller.js';
import { AgentController, AgentGuard } from './modules/agent/agent.controller.js';
import { seedLocalAgent } from './modules/agent/agent-tokens.js';
import { ApiKeysController } from './modules/api-keys/api-keys.controller.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AuthController } from './modules/auth/auth.controller.js';
import { AuthGuard } from './modules/auth/auth.guard.js';
import { ClustersController } from './modules/clusters/clusters.controller.js';
import { PoolChanges } from './modules/clusters/pool-changes.js';
import { EnvironmentsController } from './modules/environments/environments.controller.js';
import { OperationsController } from './modules/operations/operations.controller.js';
import { AccessService } from './modules/orgs/access.service.js';
import { OrgsController } from './modules/orgs/orgs.controller.js';
import { ServiceAccountsController } from './modules/service-accounts/service-accounts.controller.js';
import { TopicsController } from './modules/topics/topics.controller.js';

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
  opts: { logger?: false } = {},
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
    controllers: [
      OpenApiController,
      AuthController,
      OrgsController,
      EnvironmentsController,
      ClustersController,
      TopicsController,
      ServiceAccountsController,
      ApiKeysController,
      AclsController,
      OperationsController,
      AgentController,
    ],
    providers: [
      { provide: DB, useValue: db },
      { provide: CONFIG, useValue: config },
      { provide: REDIS, useValue: redis },
      { provide: QUEUES, useValue: queues },
      { provide: OPENAPI, useValue: openapi },
      AccessService,
      AuditService,
      PoolChanges,
      AgentGuard,
      { provide: APP_GUARD, useClass: AuthGuard },
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
