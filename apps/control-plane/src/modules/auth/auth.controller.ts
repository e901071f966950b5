/**
 * Accounts and credentials (HTTP mapping only): sign-up, login/logout (console session
 * cookie + CSRF token), the current session, and cloud API keys (bearer tokens for the REST
 * API and Terraform).
 */
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ControlPlaneConfig } from '../../config.js';
import { CurrentActor, Public, type Actor, type Principal } from '../../platform/actor.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { CONFIG } from '../../platform/tokens.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { AuthExceptionFilter } from './auth.errors.js';
import { loginBody } from './auth.dtos.js';
import { cloudApiKeyView } from './auth.views.js';
import { SESSION_COOKIE } from './credentials.js';
import {
  CreateCloudApiKeyCommand,
  createCloudApiKeyBody,
} from './use-cases/create-cloud-api-key/create-cloud-api-key.command.js';
import { CreateCloudApiKeyUseCase } from './use-cases/create-cloud-api-key/create-cloud-api-key.use-case.js';
import { DeleteCloudApiKeyUseCase } from './use-cases/delete-cloud-api-key/delete-cloud-api-key.use-case.js';
import { GetSessionUseCase } from './use-cases/get-session/get-session.use-case.js';
import { ListCloudApiKeysUseCase } from './use-cases/list-cloud-api-keys/list-cloud-api-keys.use-case.js';
import { LogInUseCase } from './use-cases/log-in/log-in.use-case.js';
import type { NewSession } from './use-cases/log-in/start-session.js';
import { LogOutUseCase } from './use-cases/log-out/log-out.use-case.js';
import { SignUpCommand, signUpBody } from './use-cases/sign-up/sign-up.command.js';
import { SignUpUseCase } from './use-cases/sign-up/sign-up.use-case.js';

const listKeysQuery = z.strictObject({
  ...pageQuery,
  service_account_id: z.string().max(64).optional(),
});
const from = (req: Request) => ({ ip: req.ip, userAgent: req.headers['user-agent'] });

@ApiTags('auth')
@UseFilters(AuthExceptionFilter)
@Controller('v1')
export class AuthController {
  constructor(
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(SignUpUseCase) private readonly signUpUser: SignUpUseCase,
    @Inject(LogInUseCase) private readonly logIn: LogInUseCase,
    @Inject(LogOutUseCase) private readonly logOut: LogOutUseCase,
    @Inject(GetSessionUseCase) private readonly getSession: GetSessionUseCase,
    @Inject(CreateCloudApiKeyUseCase) private readonly createKey: CreateCloudApiKeyUseCase,
    @Inject(ListCloudApiKeysUseCase) private readonly listKeys: ListCloudApiKeysUseCase,
    @Inject(DeleteCloudApiKeyUseCase) private readonly deleteKey: DeleteCloudApiKeyUseCase,
  ) {}

  @Public()
  @Post('auth/signup')
  @ApiBody({ schema: openApiSchema(signUpBody) })
  async signUp(
    @Body(new Validate(signUpBody)) body: z.output<typeof signUpBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.signUpUser.execute(SignUpCommand.create(body, from(req)));
    this.setCookie(res, r.session);
    res.status(201);
    return {
      user: { id: r.userId, email: body.email, name: body.name },
      organization: { id: r.orgId },
      csrf_token: r.session.csrfToken,
    };
  }

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchema(loginBody) })
  async login(
    @Body(new Validate(loginBody)) body: z.output<typeof loginBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { user, session } = await this.logIn.execute({ ...body, from: from(req) });
    this.setCookie(res, session);
    return {
      user: { id: user.id, email: user.email, name: user.name },
      csrf_token: session.csrfToken,
    };
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    await this.logOut.execute(actor);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('auth/session')
  async session(@CurrentActor() actor: Actor) {
    const { memberships, session, user } = await this.getSession.execute(actor);
    return {
      principal: { kind: actor.kind, id: actor.id, via: actor.via },
      user: user ? { id: user.id, email: user.email, name: user.name } : null,
      csrf_token: session?.csrfToken ?? null,
      organizations: memberships.map((m) => ({ id: m.orgId, name: m.org.name, role: m.role })),
    };
  }

  @Post('cloud-api-keys')
  @ApiBody({ schema: openApiSchema(createCloudApiKeyBody) })
  async createCloudApiKey(
    @CurrentActor() actor: Actor,
    @Body(new Validate(createCloudApiKeyBody)) body: z.output<typeof createCloudApiKeyBody>,
  ) {
    const saOrg = body.service_account_id
      ? await this.access.serviceAccount(actor, body.service_account_id, 'sa:manage')
      : undefined;
    const { key, token } = await this.createKey.execute(
      CreateCloudApiKeyCommand.create(actor, body, saOrg),
    );
    return { ...cloudApiKeyView(key), token };
  }

  @Get('cloud-api-keys')
  async listCloudApiKeys(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listKeysQuery, '#query')) q: z.output<typeof listKeysQuery>,
  ) {
    let owner: Principal = actor;
    if (q.service_account_id) {
      await this.access.serviceAccount(actor, q.service_account_id, 'sa:read');
      owner = { kind: 'serviceAccount', id: q.service_account_id };
    }
    const rows = await this.listKeys.execute({ owner, page: pageRequest(q) });
    return toPage(rows, q.page_size, cloudApiKeyView);
  }

  @Delete('cloud-api-keys/:id')
  @HttpCode(204)
  async deleteCloudApiKey(@CurrentActor() actor: Actor, @Param('id') id: string) {
    await this.deleteKey.execute(actor, id);
  }

  private setCookie(res: Response, session: NewSession): void {
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      secure: this.config.cookieSecure,
      sameSite: 'strict',
      path: '/',
      maxAge: this.config.sessionTtlMs,
    });
  }
}
