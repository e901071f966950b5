/**
 * The auth context: accounts, sessions, cloud API keys, and the global guard (APP_GUARD)
 * that authenticates every non-public route and charges the caller's rate limit.
 */
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OrgsModule } from '../orgs/orgs.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthRepository } from './auth.repository.js';
import { CreateCloudApiKeyUseCase } from './use-cases/create-cloud-api-key/create-cloud-api-key.use-case.js';
import { DeleteCloudApiKeyUseCase } from './use-cases/delete-cloud-api-key/delete-cloud-api-key.use-case.js';
import { GetSessionUseCase } from './use-cases/get-session/get-session.use-case.js';
import { ListCloudApiKeysUseCase } from './use-cases/list-cloud-api-keys/list-cloud-api-keys.use-case.js';
import { LogInUseCase } from './use-cases/log-in/log-in.use-case.js';
import { LogOutUseCase } from './use-cases/log-out/log-out.use-case.js';
import { SignUpUseCase } from './use-cases/sign-up/sign-up.use-case.js';

@Module({
  imports: [OrgsModule],
  controllers: [AuthController],
  providers: [
    AuthRepository,
    SignUpUseCase,
    LogInUseCase,
    LogOutUseCase,
    GetSessionUseCase,
    CreateCloudApiKeyUseCase,
    ListCloudApiKeysUseCase,
    DeleteCloudApiKeyUseCase,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule {}
