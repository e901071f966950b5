/** The topic view: the desired topic merged with what the agent observed. */
import type { Topic } from '@tributary/db';
import type { ObservedTopic } from './topics.repository.js';

export function topicView(
  clusterId: string,
  desired: Topic | undefined,
  observed: ObservedTopic | undefined,
) {
  return {
    cluster_id: clusterId,
    name: desired?.name ?? observed?.name,
    managed: desired !== undefined,
    status: desired?.status ?? 'READY',
    status_reason: desired?.statusReason ?? null,
    partitions: desired?.partitions ?? observed?.partitions,
    configs: (desired?.configs as Record<string, string> | undefined) ?? {},
    observed: observed
      ? { topic_id: observed.topicId, partitions: observed.partitions, configs: observed.configs }
      : null,
  };
}
