/**
 * infra/kubernetes: every manifest passes `kubectl apply --dry-run=client` (and so does the
 * kustomization), the agent's options ConfigMap is valid render options that fit the agent's
 * Deployment, and the agent's Role grants exactly the (resource, verb) pairs the driver uses —
 * derived from its recorded API traffic, not listed by hand.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  KubeConfig,
  loadAllYaml,
  type V1ConfigMap,
  type V1Deployment,
  type V1Role,
} from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { KubernetesDriver } from './kubernetes-driver.js';
import { renderOptionsSchema } from './render-options.js';
import { FakeKubeApi, type RecordedRequest } from './testing/fake-kube-api.js';
import { externalTlsOptions, standardSpec } from './testing/fixtures.js';
import { kubectlAvailable, kubectlDryRun } from './testing/kubectl.js';

const INFRA = join(import.meta.dirname, '../../../../../infra/kubernetes');

async function manifests(): Promise<string[]> {
  return (await readdir(INFRA)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
}

async function objectsOf(
  file: string,
): Promise<Array<{ kind: string; metadata: { name: string } }>> {
  return loadAllYaml(await readFile(join(INFRA, file), 'utf8'));
}

describe('infra/kubernetes', () => {
  beforeAll(async () => {
    if (!(await kubectlAvailable())) throw new Error('kubectl not found: run scripts/setup.sh');
  });

  it('has the namespaces, control plane and agent manifests', async () => {
    expect((await manifests()).sort()).toEqual([
      'agent.yaml',
      'control-plane.yaml',
      'namespaces.yaml',
    ]);
  });

  it('every manifest passes kubectl apply --dry-run=client, reading only', async () => {
    for (const file of await manifests()) {
      const text = await readFile(join(INFRA, file), 'utf8');
      const result = await kubectlDryRun(text);
      expect({ file, stderr: result.stderr, code: result.code }).toEqual({
        file,
        stderr: '',
        code: 0,
      });
      expect(result.objects.map((o) => o.kind)).toEqual((await objectsOf(file)).map((o) => o.kind));
      expect(result.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    }
  });

  it('the kustomization builds and applies', async () => {
    const { stdout } = await promisify(execFile)('kubectl', ['kustomize', INFRA]);
    const result = await kubectlDryRun(stdout);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.objects.length).toBe(13);
  });

  it("the agent's options are valid and match its Deployment and Role", async () => {
    const agent = await objectsOf('agent.yaml');
    const configMap = agent.find((o) => o.kind === 'ConfigMap') as unknown as V1ConfigMap;
    const options = renderOptionsSchema.parse(
      JSON.parse(configMap.data!['kubernetes-driver.json']),
    );
    const deployment = agent.find((o) => o.kind === 'Deployment') as unknown as V1Deployment;
    expect(deployment.metadata?.namespace).toBe(options.agent.namespace);
    expect(deployment.spec?.template.metadata?.labels).toMatchObject(options.agent.podLabels);
    const role = agent.find((o) => o.kind === 'Role') as unknown as V1Role;
    expect(role.metadata?.namespace).toBe(options.namespace);
  });
});

/** RBAC (group/resource, verb) of one API request; discovery requests have none. */
function permission(r: RecordedRequest): string | null {
  const url = new URL(r.url, 'http://x');
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/namespaces\/[^/]+\/([^/]+)(\/[^/]+)?$/.exec(
    url.pathname,
  );
  if (!m) return null;
  const resource = `${m[1] ?? ''}/${m[2]}`;
  if (r.method === 'GET') return `${resource} ${m[3] ? 'get' : 'list'}`;
  return `${resource} ${r.method.toLowerCase()}`;
}

describe("the agent's Role", () => {
  it('grants exactly what the driver uses', async () => {
    const api = await FakeKubeApi.start();
    try {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [{ name: 'c', server: api.url, skipTLSVerify: true }],
        users: [{ name: 'u', token: 't' }],
        contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
        currentContext: 'c',
      });
      const d = new KubernetesDriver({ render: externalTlsOptions, kubeConfig, pollIntervalMs: 5 });
      await d.ensurePool(standardSpec());
      api.seed({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: 'data-kafka-lkc-std3-0',
          namespace: 'tributary-pools',
          labels: {
            'app.kubernetes.io/managed-by': 'tributary-agent',
            'tributary.dev/cluster-id': 'lkc-std3',
          },
        },
      });
      // Fewer brokers (prunes Services) with bigger volumes (patches claims).
      await d.ensurePool(
        standardSpec({
          brokers: 1,
          resources: { cpuMillis: 2000, memoryMiB: 4096, storageGiB: 200 },
        }),
      );
      await d.listPools();
      await d.removePool('lkc-std3');
      const used = new Set<string>();
      for (const r of api.requests) {
        const p = permission(r);
        // Server-side apply creates a missing object: authorized as create as well as patch.
        if (p?.endsWith(' patch') && r.contentType === 'application/apply-patch+yaml')
          used.add(p.replace(/ patch$/, ' create'));
        if (p) used.add(p);
      }
      const role = (await objectsOf('agent.yaml')).find(
        (o) => o.kind === 'Role',
      ) as unknown as V1Role;
      const granted = new Set(
        role.rules!.flatMap((rule) =>
          rule.apiGroups!.flatMap((g) =>
            rule.resources!.flatMap((res) => rule.verbs.map((v) => `${g}/${res} ${v}`)),
          ),
        ),
      );
      expect([...granted].sort()).toEqual([...used].sort());
    } finally {
      await api.stop();
    }
  });
});
