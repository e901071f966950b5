/**
 * Who is calling: a user (console session or their cloud API key) or a service account (its
 * cloud API key). Set by the auth guard on the request; read with @CurrentActor().
 */
import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export interface Actor {
  kind: 'user' | 'serviceAccount';
  id: string;
  via: 'session' | 'apiKey';
  /** The cloud API key id (via apiKey) or session id. */
  credentialId: string;
  /** Service accounts belong to one organization. */
  orgId?: string;
  ip: string | undefined;
  userAgent: string | undefined;
}

export interface ActorRequest extends Request {
  actor?: Actor;
}

export const PUBLIC_ROUTE = 'tributary:public';
/** No user authentication (sign-up, login, plan catalog, OpenAPI, the agent API). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<ActorRequest>().actor;
  if (!actor) throw new Error('route without an authenticated actor');
  return actor;
});

/** Who holds a membership: a user or a service account. */
export interface Principal {
  kind: 'user' | 'serviceAccount';
  id: string;
}
