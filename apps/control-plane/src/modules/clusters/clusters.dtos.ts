/** Request bodies and the view of Kafka clusters. */
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

export const createClusterBody = z.strictObject({
  environment_id: z.string().max(64),
  name: clusterName,
  plan: z.enum(['basic', 'standard', 'dedicated']),
  /** dedicated only. */
  brokers: z.number().int().min(1).max(64).optional(),
  region: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'lower-case letters, digits and "-"')
    .optional(),
  deletion_protection: z.boolean().default(false),
});

export const updateClusterBody = z
  .strictObject({ name: clusterName.optional(), deletion_protection: z.boolean().optional() })
  .refine(
    (b) => b.name !== undefined || b.deletion_protection !== undefined,
    'name or deletion_protection is required',
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
