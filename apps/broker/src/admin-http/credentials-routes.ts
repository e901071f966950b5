/**
 * API keys of the pool, for the data-plane agent:
 *   PUT    /v1/credentials/{id}  { secret | derived, expiresAt?, principal? }
 *                                                                    201 created, 200 replaced/unchanged
 *   GET    /v1/credentials                                            ids and metadata, never secrets
 *   GET    /v1/credentials/{id}
 *   DELETE /v1/credentials/{id}                                       204, 404 when unknown
 * PUT is an idempotent full replacement: a different secret (or principal) replaces the old
 * one and closes the connections authenticated with it, as DELETE closes a deleted key's.
 * `derived` is the key's material already derived from the secret (@tributary/credentials'
 * JSON form: scrypt hash for PLAIN, SCRAM salt/iterations/StoredKey/ServerKey), so the
 * control plane and the agent never hold secrets; logins verify exactly as with `secret`.
 * Exactly one of the two is required; the same material again is "unchanged".
 */
import { z } from 'zod';
import { derivedCredentialSchema } from '@tributary/credentials';
import type { BrokerContext } from '../context.js';
import { badRequest, notFound, type Problem } from './problem.js';
import type { AdminRequest, Router } from './router.js';

const ID = /^[A-Za-z0-9._-]{1,64}$/;

const putBody = z.strictObject({
  secret: z
    .string()
    .min(16)
    .max(256)
    .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII')
    .optional(),
  derived: derivedCredentialSchema.optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  principal: z
    .string()
    .regex(/^User:[\x21-\x7e]{1,128}$/, 'must be User:<name> (printable ASCII, no spaces)')
    .optional(),
});

function keyId(req: AdminRequest): string {
  const id = req.params.id;
  if (!ID.test(id)) {
    throw badRequest('Invalid credential id', [
      { field: 'id', message: 'must match [A-Za-z0-9._-]{1,64}' },
    ]);
  }
  return id;
}

function fieldErrors(error: z.ZodError): NonNullable<Problem['errors']> {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((k) => ({ field: k, message: 'unknown field' }))
      : [{ field: issue.path.join('.') || '(body)', message: issue.message }],
  );
}

export function addCredentialsRoutes(router: Router, broker: BrokerContext): void {
  const store = broker.credentials;

  router.add('PUT', '/v1/credentials/:id', async (req) => {
    const id = keyId(req);
    const parsed = putBody.safeParse(req.body);
    if (!parsed.success) throw badRequest('Invalid credential', fieldErrors(parsed.error));
    const { secret, derived, expiresAt, principal } = parsed.data;
    const common = {
      expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null,
      principal: principal ?? null,
    };
    if (secret === undefined && derived === undefined)
      throw badRequest('Invalid credential', [
        { field: 'secret', message: 'required (or give derived material instead)' },
      ]);
    if (secret !== undefined && derived !== undefined)
      throw badRequest('Invalid credential', [
        { field: 'derived', message: 'give either secret or derived, not both' },
      ]);
    const result = await store.upsert(
      id,
      derived !== undefined ? { derived, ...common } : { secret: secret!, ...common },
    );
    broker.log.info(
      `admin: credential ${id} ${result.created ? 'created' : result.replaced ? 'replaced' : 'updated'}`,
    );
    return { status: result.created ? 201 : 200, body: result.credential };
  });

  router.add('GET', '/v1/credentials', () => ({
    status: 200,
    body: { credentials: store.list() },
  }));

  router.add('GET', '/v1/credentials/:id', (req) => {
    const found = store.get(keyId(req));
    if (!found) throw notFound(`No credential ${req.params.id}`);
    return { status: 200, body: found };
  });

  router.add('DELETE', '/v1/credentials/:id', async (req) => {
    const id = keyId(req);
    if (!(await store.delete(id))) throw notFound(`No credential ${id}`);
    broker.log.info(`admin: credential ${id} deleted`);
    return { status: 204 };
  });
}
