/**
 * Accounts and credentials: sign-up, login/logout (console session cookie + CSRF token),
 * the current session, and cloud API keys (bearer tokens for the REST API and Terraform).
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
import { dbCall, DbConflictError, newId, type Db } from '@tributary/db';
import type { ControlPlaneConfig } from '../../config.js';
import { CurrentActor, Public, type Actor } from '../../platform/actor.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageArgs, pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { problems } from '../../platform/problem.js';
import { CONFIG, DB } from '../../platform/tokens.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { AuditService } from '../legacy.js';
import { AuthError, AuthExceptionFilter } from './auth.errors.js';
import { createCloudApiKeyBody, loginBody, signUpBody } from './auth.dtos.js';
import {
  SESSION_COOKIE,
  hashPassword,
  newCloudApiKeySecret,
  verifyPassword,
} from './credentials.js';

const listKeysQuery = z.strictObject({
  ...pageQuery,
  service_account_id: z.string().max(64).optional(),
});

@ApiTags('auth')
@UseFilters(AuthExceptionFilter)
@Controller('v1')
export class AuthController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Public()
  @Post('auth/signup')
  @ApiBody({ schema: openApiSchema(signUpBody) })
  async signUp(
    @Body(new Validate(signUpBody)) body: z.output<typeof signUpBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const passwordHash = await hashPassword(body.password);
    const userId = newId('user');
    const orgId = newId('org');
    try {
      await dbCall(() =>
        this.db.$transaction([
          this.db.user.create({
            data: { id: userId, email: body.email, name: body.name, passwordHash },
          }),
          this.db.organization.create({
            data: { id: orgId, name: body.organization_name ?? `${body.name}'s organization` },
          }),
          this.db.membership.create({
            data: { id: newId('membership'), orgId, userId, role: 'OrgAdmin' },
          }),
        ]),
      );
    } catch (e) {
      if (e instanceof DbConflictError) throw AuthError.emailTaken();
      throw e;
    }
    const actor: Actor = {
      kind: 'user',
      id: userId,
      via: 'session',
      credentialId: '',
      ip: req.ip,
      userAgent: req.headers['user-agent'],
    };
    await this.audit.record(
      actor,
      orgId,
      'user.signup',
      { type: 'user', id: userId },
      { email: body.email },
    );
    const csrf = await this.startSession(userId, req, res);
    res.status(201);
    return {
      user: { id: userId, email: body.email, name: body.name },
      organization: { id: orgId },
      csrf_token: csrf,
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
    const user = await this.db.user.findUnique({ where: { email: body.email } });
    if (!user || !(await verifyPassword(user.passwordHash, body.password)))
      throw AuthError.invalidCredentials();
    const csrf = await this.startSession(user.id, req, res);
    return { user: { id: user.id, email: user.email, name: user.name }, csrf_token: csrf };
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    if (actor.via === 'session')
      await this.db.session.deleteMany({ where: { id: actor.credentialId } });
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('auth/session')
  async session(@CurrentActor() actor: Actor) {
    const memberships = await this.db.membership.findMany({
      where: actor.kind === 'user' ? { userId: actor.id } : { serviceAccountId: actor.id },
      include: { org: { select: { name: true } } },
      orderBy: { orgId: 'asc' },
    });
    const session =
      actor.via === 'session'
        ? await this.db.session.findUnique({ where: { id: actor.credentialId } })
        : null;
    const user =
      actor.kind === 'user' ? await this.db.user.findUnique({ where: { id: actor.id } }) : null;
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
    let orgId: string | null = null;
    if (body.service_account_id) {
      orgId = await this.access.serviceAccount(actor, body.service_account_id, 'sa:manage');
    } else if (actor.kind !== 'user') {
      throw problems.forbidden(
        'a service account cannot create keys for itself; name service_account_id',
      );
    }
    const id = newId('cloudApiKey');
    const { secret, secretHash } = newCloudApiKeySecret();
    const owner = body.service_account_id
      ? { serviceAccountId: body.service_account_id, orgId }
      : { userId: actor.id };
    const row = await this.db.cloudApiKey.create({
      data: { id, secretHash, description: body.description, ...owner },
    });
    await this.audit.record(actor, orgId, 'cloud_api_key.create', { type: 'cloud_api_key', id });
    return { ...this.view(row), token: `${id}.${secret}` };
  }

  @Get('cloud-api-keys')
  async listCloudApiKeys(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listKeysQuery, '#query')) q: z.output<typeof listKeysQuery>,
  ) {
    let where: { userId: string } | { serviceAccountId: string };
    if (q.service_account_id) {
      await this.access.serviceAccount(actor, q.service_account_id, 'sa:read');
      where = { serviceAccountId: q.service_account_id };
    } else if (actor.kind === 'user') {
      where = { userId: actor.id };
    } else {
      where = { serviceAccountId: actor.id };
    }
    const rows = await this.db.cloudApiKey.findMany({
      where,
      ...pageArgs(pageRequest(q)),
    });
    return toPage(rows, q.page_size, (r) => this.view(r));
  }

  @Delete('cloud-api-keys/:id')
  @HttpCode(204)
  async deleteCloudApiKey(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const key = await this.db.cloudApiKey.findUnique({ where: { id } });
    if (!key) throw problems.notFound('cloud API key');
    if (key.userId) {
      if (key.userId !== actor.id || actor.kind !== 'user')
        throw problems.notFound('cloud API key');
    } else {
      await this.access.serviceAccount(actor, key.serviceAccountId ?? '', 'sa:manage');
    }
    await this.db.cloudApiKey.delete({ where: { id } });
    await this.audit.record(actor, key.orgId, 'cloud_api_key.delete', {
      type: 'cloud_api_key',
      id,
    });
  }

  private view(r: {
    id: string;
    description: string;
    userId: string | null;
    serviceAccountId: string | null;
    createdAt: Date;
    lastUsedAt: Date | null;
  }) {
    return {
      id: r.id,
      description: r.description,
      owner: r.userId
        ? { kind: 'user', id: r.userId }
        : { kind: 'service_account', id: r.serviceAccountId },
      created_at: r.createdAt.toISOString(),
      last_used_at: r.lastUsedAt?.toISOString() ?? null,
    };
  }

  private async startSession(userId: string, req: Request, res: Response): Promise<string> {
    const token = randomToken();
    const csrfToken = randomToken(24);
    await this.db.session.create({
      data: {
        id: newId('session'),
        tokenHash: sha256(token),
        csrfToken,
        userId,
        ip: req.ip ?? null,
        userAgent: req.headers['user-agent'] ?? null,
        expiresAt: new Date(Date.now() + this.config.sessionTtlMs),
      },
    });
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      secure: this.config.cookieSecure,
      sameSite: 'strict',
      path: '/',
      maxAge: this.config.sessionTtlMs,
    });
    return csrfToken;
  }
}
