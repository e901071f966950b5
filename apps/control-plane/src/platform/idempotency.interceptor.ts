/**
 * `Idempotency-Key` on POST: the first request with a key runs and its response (status,
 * body, Location) is stored; a retry with the same key and body gets that response again;
 * the same key with a different body, or while the first is still running, gets 409.
 * Keys are per caller (user or service account). Failed requests (4xx/5xx) are not stored,
 * so a corrected retry may reuse the key.
 */
import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import type { Response } from 'express';
import { catchError, from, of, switchMap, throwError, type Observable } from 'rxjs';
import { DbConflictError } from '@tributary/db';
import type { ActorRequest } from './actor.js';
import { sha256 } from './crypto.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { problems } from './problem.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(IdempotencyRepository) private readonly records: IdempotencyRepository,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<ActorRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const key = req.headers['idempotency-key'];
    if (
      req.method !== 'POST' ||
      key === undefined ||
      !req.actor ||
      req.path.startsWith('/internal/')
    )
      return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw problems.validation([
        { pointer: '#header/Idempotency-Key', detail: 'must be 1-255 printable ASCII characters' },
      ]);
    }
    const principalId = `${req.actor.kind}:${req.actor.id}`;
    const requestHash = sha256(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`);
    let id: string;
    try {
      id = await this.records.claim(principalId, key, requestHash);
    } catch (e) {
      if (!(e instanceof DbConflictError)) throw e;
      const prior = await this.records.prior(principalId, key);
      if (!prior) throw problems.conflict('the Idempotency-Key was just released; retry');
      if (prior.requestHash !== requestHash) {
        throw problems.conflict('this Idempotency-Key was used with a different request', [
          {
            pointer: '#header/Idempotency-Key',
            detail: 'reused with a different method, path or body',
          },
        ]);
      }
      if (prior.statusCode === null)
        throw problems.conflict('a request with this Idempotency-Key is still in progress');
      res.status(prior.statusCode);
      res.setHeader('idempotent-replayed', 'true');
      if (prior.location) res.setHeader('location', prior.location);
      return of(prior.responseBody ?? undefined);
    }
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler());
    return next.handle().pipe(
      switchMap((body: unknown) =>
        from(
          this.records
            .complete(id, {
              statusCode: status ?? (res.statusCode === 200 ? 201 : res.statusCode),
              body,
              location: (res.getHeader('location') as string | undefined) ?? null,
            })
            .then(() => body),
        ),
      ),
      // On failure, release the key so a corrected request can use it.
      catchError((err: unknown) =>
        from(this.records.release(id).catch(() => undefined)).pipe(
          switchMap(() => throwError(() => err)),
        ),
      ),
    );
  }
}
