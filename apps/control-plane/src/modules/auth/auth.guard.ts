/**
 * The global guard: every route needs a caller unless marked @Public(). A caller is a
 * cloud API key (Authorization: Bearer <id>.<secret>) or a console session cookie; cookie
 * callers must echo the session's CSRF token on unsafe methods. Then the caller's rate
 * limit is charged.
 */
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { parseCookie } from 'cookie';
import type { Redis } from 'ioredis';
import type { ControlPlaneConfig } from '../../config.js';
import { PUBLIC_ROUTE, type Actor, type ActorRequest } from '../../platform/actor.js';
import { safeEqual, sha256 } from '../../platform/crypto.js';
import { problems } from '../../platform/problem.js';
import { checkRateLimit } from '../../platform/rate-limit.js';
import type { Clock } from '../../platform/clock.js';
import { CLOCK, CONFIG, REDIS } from '../../platform/tokens.js';
import { AuthError } from './auth.errors.js';
import { AuthRepository } from './auth.repository.js';
import { SESSION_COOKIE, parseBearer } from './credentials.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthRepository) private readonly auth: AuthRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    const req = ctx.switchToHttp().getRequest<ActorRequest>();
    // A stale cookie must not block sign-up or login: public routes ignore bad credentials.
    const actor = isPublic
      ? await this.authenticate(req).catch(() => null)
      : await this.authenticate(req);
    if (actor) req.actor = actor;
    if (isPublic) return true;
    if (!actor) throw problems.unauthenticated();
    await checkRateLimit(
      this.redis,
      actor.credentialId,
      this.config.rateLimitPerMinute,
      this.clock(),
    );
    return true;
  }

  private async authenticate(req: ActorRequest): Promise<Actor | null> {
    const from = { ip: req.ip, userAgent: req.headers['user-agent'] };
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const bearer = parseBearer(auth);
      if (!bearer)
        throw problems.unauthenticated(
          'the Authorization header must be "Bearer <key id>.<secret>"',
        );
      const key = await this.auth.cloudKey(bearer.keyId);
      if (!key || !safeEqual(key.secretHash, sha256(bearer.secret)))
        throw problems.unauthenticated('unknown or revoked API key');
      // last_used_at to the minute: one write per key per minute, not one per request.
      const now = this.clock();
      if (!key.lastUsedAt || now - key.lastUsedAt.getTime() >= 60_000)
        void this.auth.touchCloudKey(key.id, new Date(now)).catch(() => undefined);
      if (key.userId)
        return { kind: 'user', id: key.userId, via: 'apiKey', credentialId: key.id, ...from };
      if (key.serviceAccountId) {
        return {
          kind: 'serviceAccount',
          id: key.serviceAccountId,
          via: 'apiKey',
          credentialId: key.id,
          orgId: key.serviceAccount?.orgId,
          ...from,
        };
      }
      throw problems.unauthenticated('API key without an owner');
    }
    const token = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE];
    if (!token) return null;
    const session = await this.auth.sessionByTokenHash(sha256(token));
    if (!session || session.expiresAt.getTime() < this.clock())
      throw problems.unauthenticated('the session has expired; log in again');
    if (!SAFE_METHODS.has(req.method)) {
      const csrf = req.headers['x-csrf-token'];
      if (typeof csrf !== 'string' || !safeEqual(csrf, session.csrfToken)) throw AuthError.csrf();
    }
    return { kind: 'user', id: session.userId, via: 'session', credentialId: session.id, ...from };
  }
}
