/**
 * The kubernetes PoolDriver: each pool is a StatefulSet with its Services, Secret,
 * PodDisruptionBudget and NetworkPolicy in the pools' namespace (see render-pool.ts).
 *
 * - ensurePool: keeps the pool's admin token (read from its Secret, made once), renders, and
 *   server-side applies every object (create or update, idempotent), then deletes Services the
 *   render no longer has (per-broker Services after a scale-down). A larger volume size
 *   expands the existing claims and re-creates the StatefulSet with orphaned pods, since
 *   volumeClaimTemplates are immutable; a smaller one is refused.
 * - listPools: StatefulSets, pods and Secrets carrying the cluster-id label, three requests.
 * - removePool: deletes the objects, then the volume claims (data), and waits until no pod
 *   and no claim of the pool is left.
 * Nothing runs in the background: the agent may restart at any time and adopts what exists.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolSpec } from '@tributary/contracts';
import {
  KubeConfig,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1Secret,
  type V1Service,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import type { DriverPoolStatus, PoolDriver } from '../pool-driver.js';
import { brokerAdminUrl, brokerEndpoint } from './endpoints.js';
import { KubeObjects, type ObjectRef } from './kube-objects.js';
import { CLUSTER_ID_LABEL, type PoolNames, poolLabelSelector, poolNames } from './names.js';
import { brokerStatusFromPod } from './pod-status.js';
import { renderPool } from './render-pool.js';
import type { RenderOptions } from './render-options.js';
import type { S3Settings } from '../../tiered/s3-settings.js';

export interface KubernetesDriverOptions {
  render: RenderOptions;
  kubeConfig: KubeConfig;
  /** The region's S3 for tiered storage (the agent's --s3-* settings); null/absent = off. */
  s3?: S3Settings | null;
  /** How often removePool looks whether pods and volumes are gone. */
  pollIntervalMs?: number;
  /** removePool fails (and is retried by the reconciler) when the pool is not gone by then. */
  removeTimeoutMs?: number;
  /** New pool admin tokens (default: 32 random bytes, hex). */
  newToken?: () => string;
}

export class VolumeShrinkError extends Error {
  override name = 'VolumeShrinkError';
}

/** In-cluster service account when no file is given (the agent's Deployment), else the file. */
export function loadKubeConfig(file?: string): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else throw new Error('no Kubernetes configuration: give a kubeconfig file or run in a pod');
  return kc;
}

const GIB = /^(\d+)Gi$/;

export class KubernetesDriver implements PoolDriver {
  readonly name = 'kubernetes' as const;
  private readonly kube: KubeObjects;
  private readonly render: RenderOptions;
  private readonly s3: S3Settings | null;
  private readonly pollIntervalMs: number;
  private readonly removeTimeoutMs: number;
  private readonly newToken: () => string;

  constructor(options: KubernetesDriverOptions) {
    this.kube = new KubeObjects(options.kubeConfig);
    this.render = options.render;
    this.s3 = options.s3 ?? null;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.removeTimeoutMs = options.removeTimeoutMs ?? 300_000;
    this.newToken = options.newToken ?? (() => randomBytes(32).toString('hex'));
  }

  private names(clusterId: string): PoolNames {
    return poolNames(clusterId, this.render.namespace, this.render.clusterDomain);
  }

  private ref(names: PoolNames, apiVersion: string, kind: string, name: string): ObjectRef {
    return { apiVersion, kind, name, namespace: names.namespace };
  }

  async ensurePool(spec: PoolSpec): Promise<void> {
    if (spec.state === 'DELETED') return this.removePool(spec.clusterId);
    const names = this.names(spec.clusterId);
    const secret = await this.kube.read<V1Secret>(
      this.ref(names, 'v1', 'Secret', names.adminSecret),
    );
    const existing = secret?.data?.token;
    const token = existing ? Buffer.from(existing, 'base64').toString('utf8') : this.newToken();
    const objects = renderPool(spec, this.render, token, this.s3);
    await this.growVolumes(names, spec.resources.storageGiB);
    for (const object of objects) await this.kube.apply(object);
    const wanted = new Set(
      objects.filter((o) => o.kind === 'Service').map((o) => o.metadata?.name),
    );
    const services = await this.kube.list<V1Service>(
      'v1',
      'Service',
      names.namespace,
      poolLabelSelector(spec.clusterId),
    );
    for (const service of services)
      if (!wanted.has(service.metadata?.name))
        await this.kube.delete(this.ref(names, 'v1', 'Service', service.metadata!.name!));
  }

  /** Expands existing claims and lets the StatefulSet be re-created with the new template. */
  private async growVolumes(names: PoolNames, storageGiB: number): Promise<void> {
    const stsRef = this.ref(names, 'apps/v1', 'StatefulSet', names.base);
    const current = await this.kube.read<V1StatefulSet>(stsRef);
    const size = current?.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage;
    if (size === undefined) return;
    const currentGiB = Number(GIB.exec(size)?.[1] ?? NaN);
    if (currentGiB === storageGiB) return;
    if (!(currentGiB < storageGiB))
      throw new VolumeShrinkError(
        `pool ${names.clusterId}: volumes are ${size}, cannot change them to ${storageGiB}Gi (volumes only grow)`,
      );
    const claims = await this.kube.list<V1PersistentVolumeClaim>(
      'v1',
      'PersistentVolumeClaim',
      names.namespace,
      poolLabelSelector(names.clusterId),
    );
    for (const claim of claims)
      await this.kube.mergePatch<V1PersistentVolumeClaim>({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: claim.metadata!.name!, namespace: names.namespace },
        spec: { resources: { requests: { storage: `${storageGiB}Gi` } } },
      });
    // Orphan: the pods keep running and the new StatefulSet adopts them. The old object
    // lingers until the garbage collector has released the pods; applying to it before then
    // would be lost with it.
    await this.kube.delete(stsRef, 'Orphan');
    const deadline = Date.now() + this.removeTimeoutMs;
    while ((await this.kube.read<V1StatefulSet>(stsRef)) !== null) {
      if (Date.now() >= deadline)
        throw new Error(
          `pool ${names.clusterId}: StatefulSet still present after ${this.removeTimeoutMs} ms`,
        );
      await sleep(this.pollIntervalMs);
    }
  }

  async removePool(clusterId: string): Promise<void> {
    const names = this.names(clusterId);
    const selector = poolLabelSelector(clusterId);
    await this.kube.delete(this.ref(names, 'apps/v1', 'StatefulSet', names.base), 'Background');
    const services = await this.kube.list<V1Service>('v1', 'Service', names.namespace, selector);
    for (const s of services)
      await this.kube.delete(this.ref(names, 'v1', 'Service', s.metadata!.name!));
    await this.kube.delete(this.ref(names, 'v1', 'Secret', names.adminSecret));
    await this.kube.delete(this.ref(names, 'policy/v1', 'PodDisruptionBudget', names.base));
    await this.kube.delete(this.ref(names, 'networking.k8s.io/v1', 'NetworkPolicy', names.base));
    const deadline = Date.now() + this.removeTimeoutMs;
    for (;;) {
      const pods = await this.kube.list<V1Pod>('v1', 'Pod', names.namespace, selector);
      const claims = await this.kube.list<V1PersistentVolumeClaim>(
        'v1',
        'PersistentVolumeClaim',
        names.namespace,
        selector,
      );
      // A claim is removed once no pod uses it (pvc-protection): deleting it early is safe.
      for (const c of claims)
        if (!c.metadata?.deletionTimestamp)
          await this.kube.delete(this.ref(names, 'v1', 'PersistentVolumeClaim', c.metadata!.name!));
      if (pods.length === 0 && claims.length === 0) return;
      if (Date.now() >= deadline)
        throw new Error(
          `pool ${clusterId}: ${pods.length} pod(s) and ${claims.length} volume claim(s) still present after ${this.removeTimeoutMs} ms`,
        );
      await sleep(this.pollIntervalMs);
    }
  }

  async listPools(): Promise<DriverPoolStatus[]> {
    const ns = this.render.namespace;
    const selector = poolLabelSelector();
    const [sets, pods, secrets] = await Promise.all([
      this.kube.list<V1StatefulSet>('apps/v1', 'StatefulSet', ns, selector),
      this.kube.list<V1Pod>('v1', 'Pod', ns, selector),
      this.kube.list<V1Secret>('v1', 'Secret', ns, selector),
    ]);
    const podByName = new Map(pods.map((p) => [p.metadata?.name, p]));
    const secretByName = new Map(secrets.map((s) => [s.metadata?.name, s]));
    const pools: DriverPoolStatus[] = [];
    for (const set of sets) {
      const clusterId = set.metadata?.labels?.[CLUSTER_ID_LABEL];
      if (!clusterId) continue;
      const names = this.names(clusterId);
      if (set.metadata?.name !== names.base) continue;
      const token = secretByName.get(names.adminSecret)?.data?.token;
      pools.push({
        clusterId,
        adminToken: token ? Buffer.from(token, 'base64').toString('utf8') : '',
        brokers: Array.from({ length: set.spec?.replicas ?? 0 }, (_, ordinal) =>
          brokerStatusFromPod(ordinal, podByName.get(names.pod(ordinal)), {
            endpoint: brokerEndpoint(names, this.render, ordinal),
            adminUrl: brokerAdminUrl(names, ordinal),
          }),
        ),
      });
    }
    return pools.sort((a, b) => (a.clusterId < b.clusterId ? -1 : 1));
  }

  async close(): Promise<void> {
    // Nothing to stop: the driver keeps no watches or timers between calls.
  }
}
