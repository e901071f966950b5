/**
 * Every route of the admin endpoint. Each concern registers its routes from its own file
 * (credentials, ACLs, quotas, usage, ...) so this list is the map of the API.
 */
import type { BrokerContext } from '../context.js';
import { addCredentialsRoutes } from './credentials-routes.js';
import { aclRoutes } from './acl-routes.js';
import { registerQuotaRoutes } from './quota-routes.js';
import { Router } from './router.js';
import { registerTopicRoutes } from './topic-routes.js';
import { registerUsageRoutes } from './usage-routes.js';

export function adminRoutes(broker: BrokerContext): Router {
  const router = new Router();
  router.add('GET', '/v1/health', () => ({
    status: 200,
    body: {
      status: 'ok',
      nodeId: broker.config.nodeId,
      clusterId: broker.clusterId,
      listeners: broker.config.listeners.map((l) => ({
        name: l.name,
        protocol: l.protocol,
        host: l.advertisedHost,
        port: l.advertisedPort,
      })),
    },
  }));
  addCredentialsRoutes(router, broker);
  aclRoutes(router, broker);
  registerQuotaRoutes(router, broker);
  registerUsageRoutes(router, broker);
  registerTopicRoutes(router, broker);
  return router;
}
