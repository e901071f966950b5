/** Create a topic on a cluster (name, partitions, configs). */
import { z } from 'zod';
import type { ClusterId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { validated } from '../../../../platform/command.js';
import { topicConfigs, topicName } from '../../topics.schemas.js';

export const createTopicBody = z.strictObject({
  name: topicName,
  partitions: z.number().int('must be an integer').min(1).max(10_000).default(1),
  configs: topicConfigs.default({}),
});

export class CreateTopicCommand {
  private constructor(
    readonly orgId: OrgId,
    readonly actor: Actor,
    readonly clusterId: ClusterId,
    readonly name: string,
    readonly partitions: number,
    readonly configs: Record<string, string>,
  ) {}

  static create(orgId: OrgId, actor: Actor, clusterId: ClusterId, input: unknown) {
    const b = validated(createTopicBody, input);
    return new CreateTopicCommand(orgId, actor, clusterId, b.name, b.partitions, b.configs);
  }
}
