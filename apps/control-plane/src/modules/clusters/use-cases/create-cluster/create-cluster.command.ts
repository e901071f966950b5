/**
 * Create a Kafka cluster in an environment. The body's shape is validated when the command
 * is made; the plan's rules (brokers only for dedicated, plan available) by the use case,
 * after the access check, so outsiders learn nothing from them.
 */
import { z } from 'zod';
import type { ClusterPlan, EnvironmentId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { clusterName } from '../../clusters.dtos.js';

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

export class CreateClusterCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly environmentId: EnvironmentId,
    readonly name: string,
    readonly plan: ClusterPlan,
    readonly brokers: number | undefined,
    readonly region: string | undefined,
    readonly deletionProtection: boolean,
  ) {}

  static create(orgId: OrgId, actor: Actor, input: unknown): CreateClusterCommand {
    const b = validated(createClusterBody, input);
    return new CreateClusterCommand(
      orgId,
      actor,
      b.environment_id as EnvironmentId,
      b.name,
      b.plan,
      b.brokers,
      b.region,
      b.deletion_protection,
    );
  }
}
