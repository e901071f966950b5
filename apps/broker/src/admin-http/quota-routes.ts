/**
 * The pool's limits (its plan): GET returns what is in force, PUT replaces all of it. A PUT
 * is validated (400 problem+json with field errors), written to meta/limits.json durably and
 * applied at once, without a restart. Shape and semantics: quotas/limits.ts.
 */
import type { BrokerContext } from '../context.js';
import { parseLimits } from '../quotas/limits.js';
import { badRequest } from './problem.js';
import type { Router } from './router.js';

export function registerQuotaRoutes(router: Router, broker: BrokerContext): Router {
  return router
    .add('GET', '/v1/limits', () => ({ status: 200, body: broker.quotas.limits }))
    .add('PUT', '/v1/limits', async (req) => {
      const parsed = parseLimits(req.body);
      if (!parsed.ok) throw badRequest('The limits are not valid', parsed.errors);
      await broker.quotas.replace(parsed.limits);
      return { status: 200, body: broker.quotas.limits };
    });
}
