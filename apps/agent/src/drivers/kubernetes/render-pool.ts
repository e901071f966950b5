/**
 * renderPool: the Kubernetes objects of one broker pool, as a pure function of the pool spec,
 * the operator's render options and the pool's admin token. The same inputs give the same
 * objects in the same order (apply order: Secret, Services, StatefulSet, PDB, NetworkPolicy).
 *
 * What the spec drives: replicas (brokers), requests/limits (cpuMillis, memoryMiB), volume size
 * (storageGiB) and `--set` broker properties (brokerConfig; plus the cluster's tiered-storage
 * properties when the agent has the region's S3, `s3`). Credentials, ACLs, limits and
 * topics are not rendered: the reconciler pushes them to the admin endpoints, so changing them
 * restarts nothing.
 */
import type { PoolSpec } from '@tributary/contracts';
import type {
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import {
  ADMIN_PORT,
  KAFKA_PORT,
  type PoolNames,
  podSelector,
  poolLabels,
  poolNames,
} from './names.js';
import type { S3Settings } from '../../tiered/s3-settings.js';
import type { RenderOptions } from './render-options.js';
import { renderServices } from './render-services.js';
import { renderStatefulSet } from './render-statefulset.js';

export type PoolObject =
  V1Secret | V1Service | V1StatefulSet | V1PodDisruptionBudget | V1NetworkPolicy;

export class InvalidAdminTokenError extends Error {
  override name = 'InvalidAdminTokenError';
}

function renderSecret(names: PoolNames, adminToken: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: names.adminSecret, namespace: names.namespace, labels: poolLabels(names) },
    type: 'Opaque',
    data: { token: Buffer.from(adminToken, 'utf8').toString('base64') },
  };
}

function renderDisruptionBudget(names: PoolNames): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: names.base, namespace: names.namespace, labels: poolLabels(names) },
    spec: { maxUnavailable: 1, selector: { matchLabels: podSelector(names) } },
  };
}

/** Kafka from anywhere (clients authenticate with SASL); admin only from the agent's pods. */
function renderNetworkPolicy(names: PoolNames, options: RenderOptions): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: names.base, namespace: names.namespace, labels: poolLabels(names) },
    spec: {
      podSelector: { matchLabels: podSelector(names) },
      policyTypes: ['Ingress'],
      ingress: [
        { ports: [{ port: KAFKA_PORT, protocol: 'TCP' }] },
        {
          // `_from` is the client model's name for `from` (a reserved word); the API client
          // and toYaml write `from`.
          _from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': options.agent.namespace },
              },
              podSelector: { matchLabels: options.agent.podLabels },
            },
          ],
          ports: [{ port: ADMIN_PORT, protocol: 'TCP' }],
        },
      ],
    },
  };
}

export function renderPool(
  spec: PoolSpec,
  options: RenderOptions,
  adminToken: string,
  s3: S3Settings | null = null,
): PoolObject[] {
  // The broker refuses shorter tokens (apps/broker/src/config/parse-args.ts).
  if (adminToken.trim().length < 16 || adminToken !== adminToken.trim())
    throw new InvalidAdminTokenError(
      'the pool admin token needs at least 16 characters, no surrounding blanks',
    );
  const names = poolNames(spec.clusterId, options.namespace, options.clusterDomain);
  return [
    renderSecret(names, adminToken),
    ...renderServices(spec.brokers, names, options),
    renderStatefulSet(spec, names, options, s3),
    renderDisruptionBudget(names),
    renderNetworkPolicy(names, options),
  ];
}
