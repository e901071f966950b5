/** Grow a topic's partitions and/or set configs (If-Match optional). */
import { z } from 'zod';
import type { ClusterId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { topicConfigs } from '../../topics.schemas.js';

export const updateTopicBody = z
  .strictObject({
    partitions: z.number().int().min(1).max(10_000).optional(),
    configs: topicConfigs.optional(),
  })
  .refine(
    (b) => b.partitions !== undefined || b.configs !== undefined,
    'partitions or configs is required',
  );
export type UpdateTopicBody = z.output<typeof updateTopicBody>;

export class UpdateTopicCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly clusterId: ClusterId,
    readonly name: string,
    readonly changes: UpdateTopicBody,
    readonly expectedVersion: number | undefined,
  ) {}

  static create(
    orgId: OrgId,
    actor: Actor,
    clusterId: ClusterId,
    name: string,
    input: unknown,
    expectedVersion: number | undefined,
  ): UpdateTopicCommand {
    const changes = validated(updateTopicBody, input);
    return new UpdateTopicCommand(orgId, actor, clusterId, name, changes, expectedVersion);
  }
}
