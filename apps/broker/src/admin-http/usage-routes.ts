/**
 * Usage counters for metering (usage/README.md has the collector's algorithm):
 *   GET    /v1/usage                         this incarnation's counters, next sequence number,
 *                                            plus earlier incarnations not yet acknowledged
 *   DELETE /v1/usage/previous/:incarnation   a collector has stored that incarnation: forget it
 *                                            (idempotent: 204 whether or not it was waiting)
 */
import type { BrokerContext } from '../context.js';
import { isIncarnationId } from '../usage/usage-store.js';
import { badRequest } from './problem.js';
import type { Router } from './router.js';

export function registerUsageRoutes(router: Router, broker: BrokerContext): Router {
  return router
    .add('GET', '/v1/usage', async () => ({ status: 200, body: await broker.usage.read() }))
    .add('DELETE', '/v1/usage/previous/:incarnation', async (req) => {
      const id = req.params.incarnation;
      if (!isIncarnationId(id))
        throw badRequest('Not an incarnation id', [
          { field: 'incarnation', message: 'Expected a lower-case UUID' },
        ]);
      if (id === broker.usage.incarnation)
        throw badRequest('The running incarnation cannot be acknowledged', [
          { field: 'incarnation', message: 'This is the current incarnation' },
        ]);
      // Idempotent: acknowledging twice (a retried DELETE) is not an error.
      await broker.usage.acknowledge(id);
      return { status: 204 };
    });
}
