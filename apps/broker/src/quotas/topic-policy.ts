/**
 * The plan's limits on topics, checked by the TopicManager after Kafka's own validation and
 * answered with POLICY_VIOLATION, as a broker-side create-topic policy would be:
 *   - the pool's total partition count (CreateTopics, CreatePartitions, auto-creation);
 *   - max.message.bytes overrides above the plan's largest message.
 * POLICY_VIOLATION rather than THROTTLING_QUOTA_EXCEEDED: the latter is Kafka's answer to a
 * *rate* of partition mutations (KIP-599) and clients retry it until their timeout, while a
 * partition ceiling does not lift by waiting.
 */
import type { TopicPolicy } from '../topics/topic-manager.js';
import type { QuotaManager } from './quota-manager.js';

export function topicPolicy(quotas: QuotaManager): TopicPolicy {
  return {
    partitionsProblem(current: number, added: number): string | null {
      const max = quotas.maxPartitions;
      if (current + added <= max) return null;
      return `Adding ${added} partition(s) would exceed the cluster's partition limit of ${max} (it has ${current}).`;
    },
    configsProblem(next, current): string | null {
      const value = next.get('max.message.bytes');
      if (value === undefined || value === null || value === current.get('max.message.bytes'))
        return null;
      const max = quotas.maxMessageBytes;
      if (Number(value) <= max) return null;
      return `Config property 'max.message.bytes' with value '${value}' exceeds the cluster's limit of ${max}.`;
    },
  };
}
