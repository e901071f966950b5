/**
 * The driver's API traffic, against FakeKubeApi (a recording stand-in for the API server on
 * 127.0.0.1: no Kubernetes cluster can run on the development machines). Asserts the exact
 * methods, paths and bodies of ensure, list and remove, and that a second ensure changes
 * nothing.
 */
import { KubeConfig, loadYaml } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesDriver, VolumeShrinkError } from './kubernetes-driver.js';
import { renderPool } from './render-pool.js';
import type { RenderOptions } from './render-options.js';
import { FakeKubeApi, type RecordedRequest } from './testing/fake-kube-api.js';
import {
  basicSpec,
  externalTlsOptions,
  plaintextOptions,
  standardSpec,
} from './testing/fixtures.js';

const NEW_TOKEN = 'fresh-token-0123456789abcdef0123';
const NS = '/namespaces/tributary-pools';
const POOL =
  'labelSelector=app.kubernetes.io%2Fmanaged-by%3Dtributary-agent%2Ctributary.dev%2Fcluster-id';
const APPLY = '?fieldManager=tributary-agent&force=true';

let api: FakeKubeApi;

function driver(
  render: RenderOptions = plaintextOptions,
  removeTimeoutMs = 5000,
  newToken = NEW_TOKEN,
): KubernetesDriver {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'test', server: api.url, skipTLSVerify: true }],
    users: [{ name: 'agent', token: 'agent-service-account-token' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'agent' }],
    currentContext: 'test',
  });
  return new KubernetesDriver({
    render,
    kubeConfig,
    pollIntervalMs: 10,
    removeTimeoutMs,
    newToken: () => newToken,
  });
}

const KINDS = [
  ['apps/v1', 'StatefulSet'],
  ['v1', 'Service'],
  ['v1', 'Secret'],
  ['v1', 'Pod'],
  ['v1', 'PersistentVolumeClaim'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
];

function storedObjects(): unknown[] {
  return KINDS.flatMap(([v, k]) => api.stored(v, k));
}

function calls(requests: RecordedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.url}`);
}

function take(): RecordedRequest[] {
  return api.requests.splice(0);
}

beforeEach(async () => {
  api = await FakeKubeApi.start();
});
afterEach(async () => {
  await api.stop();
});

describe('ensurePool', () => {
  it('server-side applies every rendered object, in order, with a new admin token', async () => {
    await driver().ensurePool(basicSpec());
    const requests = take();
    expect(calls(requests)).toEqual([
      'GET /api/v1',
      `GET /api/v1${NS}/secrets/kafka-lkc-basic1-admin`,
      'GET /apis/apps/v1',
      `GET /apis/apps/v1${NS}/statefulsets/kafka-lkc-basic1`,
      `PATCH /api/v1${NS}/secrets/kafka-lkc-basic1-admin${APPLY}`,
      `PATCH /api/v1${NS}/services/kafka-lkc-basic1-brokers${APPLY}`,
      `PATCH /api/v1${NS}/services/kafka-lkc-basic1${APPLY}`,
      `PATCH /apis/apps/v1${NS}/statefulsets/kafka-lkc-basic1${APPLY}`,
      'GET /apis/policy/v1',
      `PATCH /apis/policy/v1${NS}/poddisruptionbudgets/kafka-lkc-basic1${APPLY}`,
      'GET /apis/networking.k8s.io/v1',
      `PATCH /apis/networking.k8s.io/v1${NS}/networkpolicies/kafka-lkc-basic1${APPLY}`,
      `GET /api/v1${NS}/services?${POOL}%3Dlkc-basic1&limit=500`,
    ]);
    const patches = requests.filter((r) => r.method === 'PATCH');
    const expected = renderPool(basicSpec(), plaintextOptions, NEW_TOKEN);
    expect(patches.map((p) => p.contentType)).toEqual(
      expected.map(() => 'application/apply-patch+yaml'),
    );
    // The bodies are the rendered objects in the API's wire form (`from`, not `_from`).
    expect(patches.map((p) => loadYaml(JSON.stringify(p.body)))).toEqual(expected);
    expect(JSON.stringify(patches.at(-1)!.body)).toContain('"from":[');
    expect((patches[0].body as { data: { token: string } }).data.token).toBe(
      Buffer.from(NEW_TOKEN).toString('base64'),
    );
  });

  it('is idempotent: a second ensure (even from a new agent) sends the same bodies and keeps the token', async () => {
    await driver().ensurePool(basicSpec());
    const first = take().filter((r) => r.method === 'PATCH');
    const storedBefore = storedObjects();
    const second = driver(plaintextOptions, 5000, 'a-different-token-that-must-not-be-used');
    await second.ensurePool(basicSpec());
    const again = take();
    expect(calls(again).filter((c) => c.startsWith('PATCH'))).toEqual(calls(first));
    expect(again.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual(
      first.map((r) => r.body),
    );
    expect(again.filter((r) => !['GET', 'PATCH'].includes(r.method))).toEqual([]);
    expect(storedObjects()).toEqual(storedBefore);
    expect((await second.listPools())[0].adminToken).toBe(NEW_TOKEN);
  });

  it('deletes per-broker Services a smaller pool no longer has', async () => {
    const d = driver(externalTlsOptions);
    await d.ensurePool(standardSpec());
    expect(api.stored('v1', 'Service').map((s) => (s.metadata as { name: string }).name)).toEqual([
      'kafka-lkc-std3',
      'kafka-lkc-std3-0',
      'kafka-lkc-std3-1',
      'kafka-lkc-std3-2',
      'kafka-lkc-std3-brokers',
    ]);
    take();
    await d.ensurePool(standardSpec({ brokers: 1 }));
    expect(calls(take()).filter((c) => c.startsWith('DELETE'))).toEqual([
      `DELETE /api/v1${NS}/services/kafka-lkc-std3-1`,
      `DELETE /api/v1${NS}/services/kafka-lkc-std3-2`,
    ]);
  });

  it('grows volumes: expands each claim, re-creates the StatefulSet with orphaned pods', async () => {
    const d = driver();
    await d.ensurePool(basicSpec());
    api.seed({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data-kafka-lkc-basic1-0',
        namespace: 'tributary-pools',
        labels: {
          'app.kubernetes.io/managed-by': 'tributary-agent',
          'tributary.dev/cluster-id': 'lkc-basic1',
        },
      },
      spec: { resources: { requests: { storage: '10Gi' } } },
    });
    take();
    const bigger = basicSpec({ resources: { cpuMillis: 500, memoryMiB: 1024, storageGiB: 20 } });
    await d.ensurePool(bigger);
    const requests = take();
    expect(calls(requests).filter((c) => !c.startsWith('GET'))).toEqual([
      `PATCH /api/v1${NS}/persistentvolumeclaims/data-kafka-lkc-basic1-0?fieldManager=tributary-agent`,
      `DELETE /apis/apps/v1${NS}/statefulsets/kafka-lkc-basic1?propagationPolicy=Orphan`,
      `PATCH /api/v1${NS}/secrets/kafka-lkc-basic1-admin${APPLY}`,
      `PATCH /api/v1${NS}/services/kafka-lkc-basic1-brokers${APPLY}`,
      `PATCH /api/v1${NS}/services/kafka-lkc-basic1${APPLY}`,
      `PATCH /apis/apps/v1${NS}/statefulsets/kafka-lkc-basic1${APPLY}`,
      `PATCH /apis/policy/v1${NS}/poddisruptionbudgets/kafka-lkc-basic1${APPLY}`,
      `PATCH /apis/networking.k8s.io/v1${NS}/networkpolicies/kafka-lkc-basic1${APPLY}`,
    ]);
    expect(requests.find((r) => r.url.includes('persistentvolumeclaims/'))).toMatchObject({
      contentType: 'application/merge-patch+json',
      body: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data-kafka-lkc-basic1-0', namespace: 'tributary-pools' },
        spec: { resources: { requests: { storage: '20Gi' } } },
      },
    });
    await expect(d.ensurePool(basicSpec())).rejects.toThrow(VolumeShrinkError);
  });
});

function seedPod(name: string, ordinal: number, ready: boolean, clusterId = 'lkc-basic1'): void {
  api.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'tributary-pools',
      labels: {
        'app.kubernetes.io/instance': `kafka-${clusterId}`,
        'app.kubernetes.io/managed-by': 'tributary-agent',
        'app.kubernetes.io/name': 'tributary-broker',
        'apps.kubernetes.io/pod-index': String(ordinal),
        'tributary.dev/cluster-id': clusterId,
      },
    },
    status: {
      phase: 'Running',
      podIP: `10.1.0.${ordinal + 10}`,
      containerStatuses: [
        {
          name: 'broker',
          ready,
          restartCount: ready ? 0 : 3,
          image: 'b',
          imageID: 'b',
          state: ready
            ? { running: {} }
            : { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s' } },
        },
      ],
    },
  });
}

describe('listPools', () => {
  it('reports each pool from its StatefulSet, pods and Secret', async () => {
    const d = driver(externalTlsOptions);
    await d.ensurePool(standardSpec());
    await driver().ensurePool(basicSpec());
    api.seed({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'someone-else', namespace: 'tributary-pools' },
      spec: { replicas: 1 },
    });
    seedPod('kafka-lkc-std3-0', 0, true, 'lkc-std3');
    seedPod('kafka-lkc-std3-1', 1, false, 'lkc-std3');
    take();
    const pools = await d.listPools();
    expect(calls(take())).toEqual([
      `GET /apis/apps/v1${NS}/statefulsets?${POOL}&limit=500`,
      `GET /api/v1${NS}/pods?${POOL}&limit=500`,
      `GET /api/v1${NS}/secrets?${POOL}&limit=500`,
    ]);
    expect(pools.map((p) => p.clusterId)).toEqual(['lkc-basic1', 'lkc-std3']);
    expect(pools[1]).toEqual({
      clusterId: 'lkc-std3',
      adminToken: NEW_TOKEN,
      brokers: [
        {
          brokerId: 0,
          state: 'RUNNING',
          restarts: 0,
          endpoint: 'lkc-std3-b0.kafka.example.com:9094',
          adminUrl:
            'http://kafka-lkc-std3-0.kafka-lkc-std3-brokers.tributary-pools.svc.cluster.local:9644',
          lastError: null,
        },
        {
          brokerId: 1,
          state: 'CRASHED',
          restarts: 3,
          endpoint: 'lkc-std3-b1.kafka.example.com:9094',
          adminUrl:
            'http://kafka-lkc-std3-1.kafka-lkc-std3-brokers.tributary-pools.svc.cluster.local:9644',
          lastError: 'CrashLoopBackOff: back-off 20s',
        },
        {
          brokerId: 2,
          state: 'STARTING',
          restarts: 0,
          endpoint: null,
          adminUrl: null,
          lastError: null,
        },
      ],
    });
  });
});

describe('removePool', () => {
  it('deletes the objects and the volume claims, and resolves once nothing is left', async () => {
    const d = driver();
    await d.ensurePool(basicSpec());
    seedPod('kafka-lkc-basic1-0', 0, true);
    api.seed({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data-kafka-lkc-basic1-0',
        namespace: 'tributary-pools',
        labels: {
          'app.kubernetes.io/managed-by': 'tributary-agent',
          'tributary.dev/cluster-id': 'lkc-basic1',
        },
      },
    });
    take();
    await d.removePool('lkc-basic1');
    const selector = `${POOL}%3Dlkc-basic1&limit=500`;
    expect(calls(take())).toEqual([
      `DELETE /apis/apps/v1${NS}/statefulsets/kafka-lkc-basic1?propagationPolicy=Background`,
      `GET /api/v1${NS}/services?${selector}`,
      `DELETE /api/v1${NS}/services/kafka-lkc-basic1`,
      `DELETE /api/v1${NS}/services/kafka-lkc-basic1-brokers`,
      `DELETE /api/v1${NS}/secrets/kafka-lkc-basic1-admin`,
      `DELETE /apis/policy/v1${NS}/poddisruptionbudgets/kafka-lkc-basic1`,
      `DELETE /apis/networking.k8s.io/v1${NS}/networkpolicies/kafka-lkc-basic1`,
      `GET /api/v1${NS}/pods?${selector}`,
      `GET /api/v1${NS}/persistentvolumeclaims?${selector}`,
      `DELETE /api/v1${NS}/persistentvolumeclaims/data-kafka-lkc-basic1-0`,
      `GET /api/v1${NS}/pods?${selector}`,
      `GET /api/v1${NS}/persistentvolumeclaims?${selector}`,
    ]);
    expect(storedObjects()).toEqual([]);
    expect(await d.listPools()).toEqual([]);
    // Again: everything is already gone, which is fine.
    await d.removePool('lkc-basic1');
  });

  it('fails with what is left when pods do not go away in time', async () => {
    const d = driver(plaintextOptions, 100);
    // A pod the StatefulSet does not own (the garbage collector will not remove it).
    seedPod('stray-0', 0, true);
    await expect(d.removePool('lkc-basic1')).rejects.toThrow(
      'pool lkc-basic1: 1 pod(s) and 0 volume claim(s) still present after 100 ms',
    );
  });

  it('ensurePool of a DELETED spec removes the pool', async () => {
    const d = driver();
    await d.ensurePool(basicSpec());
    await d.ensurePool(basicSpec({ state: 'DELETED', generation: 2 }));
    expect(api.stored('apps/v1', 'StatefulSet')).toEqual([]);
    expect(api.stored('v1', 'Secret')).toEqual([]);
  });
});
