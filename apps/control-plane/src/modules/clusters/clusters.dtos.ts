/** The cluster name rule and the view (response body) of Kafka clusters. */
import { z } from 'zod';
import type { KafkaCluster } from '@tributary/db';

export const clusterName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
    'letters, digits, space, ".", "_" and "-", starting with a letter or digit',
  );

export function clusterView(c: KafkaCluster) {
  return {
    id: c.id,
    organization_id: c.orgId,
    environment_id: c.environmentId,
    name: c.name,
    plan: c.plan,
    brokers: c.brokers,
    region: c.region,
    status: c.status,
    status_reason: c.statusReason,
    bootstrap_endpoint: c.bootstrap,
    deletion_protection: c.deletionProtection,
    generation: c.generation,
    observed_generation: c.observedGeneration,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
