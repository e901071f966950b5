import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpYaml, loadYaml, type V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseRenderOptions, readRenderOptions } from './render-options.js';
import { InvalidAdminTokenError, type PoolObject, renderPool } from './render-pool.js';
import { DriverOwnedPropertyError } from './render-statefulset.js';
import {
  TOKEN,
  basicSpec,
  externalTlsOptions,
  plaintextOptions,
  standardSpec,
  tieredOptions,
  tieredS3,
} from './testing/fixtures.js';
import { ReservedBrokerConfigError } from '../../tiered/broker-properties.js';

function statefulSet(objects: PoolObject[]): V1StatefulSet {
  return objects.find((o) => o.kind === 'StatefulSet') as V1StatefulSet;
}

/** Dotted paths of every leaf that differs between two JSON values. */
function changedPaths(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      changedPaths(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        path ? `${path}.${k}` : k,
      ),
    );
  }
  return a === b ? [] : [path];
}

function objectKey(o: PoolObject): string {
  return `${o.kind}/${o.metadata?.name}`;
}

/** Changed paths per object between two renders, keyed by kind/name. */
function diff(before: PoolObject[], after: PoolObject[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const a = new Map(before.map((o) => [objectKey(o), o]));
  const b = new Map(after.map((o) => [objectKey(o), o]));
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const paths = changedPaths(a.get(key), b.get(key));
    if (paths.length) out[key] = paths;
  }
  return out;
}

describe('renderPool', () => {
  it('renders the Secret, Services, StatefulSet, PDB and NetworkPolicy in apply order', () => {
    expect(renderPool(basicSpec(), plaintextOptions, TOKEN).map(objectKey)).toEqual([
      'Secret/kafka-lkc-basic1-admin',
      'Service/kafka-lkc-basic1-brokers',
      'Service/kafka-lkc-basic1',
      'StatefulSet/kafka-lkc-basic1',
      'PodDisruptionBudget/kafka-lkc-basic1',
      'NetworkPolicy/kafka-lkc-basic1',
    ]);
    expect(renderPool(standardSpec(), externalTlsOptions, TOKEN).map(objectKey)).toEqual([
      'Secret/kafka-lkc-std3-admin',
      'Service/kafka-lkc-std3-brokers',
      'Service/kafka-lkc-std3',
      'Service/kafka-lkc-std3-0',
      'Service/kafka-lkc-std3-1',
      'Service/kafka-lkc-std3-2',
      'StatefulSet/kafka-lkc-std3',
      'PodDisruptionBudget/kafka-lkc-std3',
      'NetworkPolicy/kafka-lkc-std3',
    ]);
  });

  it('labels every object (and the pods and volumes) with the cluster id, in one namespace', () => {
    const objects = renderPool(standardSpec(), externalTlsOptions, TOKEN);
    for (const o of objects) {
      expect(o.metadata?.namespace).toBe('tributary-pools');
      expect(o.metadata?.labels?.['tributary.dev/cluster-id']).toBe('lkc-std3');
      expect(o.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('tributary-agent');
    }
    const sts = statefulSet(objects);
    expect(sts.spec?.template.metadata?.labels?.['tributary.dev/cluster-id']).toBe('lkc-std3');
    expect(sts.spec?.volumeClaimTemplates?.[0].metadata?.labels?.['tributary.dev/cluster-id']).toBe(
      'lkc-std3',
    );
  });

  it('takes replicas, requests/limits, heap and volume size from the spec', () => {
    const sts = statefulSet(renderPool(standardSpec(), externalTlsOptions, TOKEN));
    expect(sts.spec?.replicas).toBe(3);
    const c = sts.spec!.template.spec!.containers[0];
    expect(c.resources).toEqual({
      requests: { cpu: '2000m', memory: '4096Mi' },
      limits: { cpu: '2000m', memory: '4096Mi' },
    });
    expect(c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe('--max-old-space-size=3072');
    const claim = sts.spec!.volumeClaimTemplates![0].spec!;
    expect(claim.resources?.requests).toEqual({ storage: '100Gi' });
    expect(claim.storageClassName).toBe('fast-ssd');
  });

  it('passes the listener, advertised address, admin endpoint and broker config as flags', () => {
    const sts = statefulSet(renderPool(standardSpec(), externalTlsOptions, TOKEN));
    expect(sts.spec!.template.spec!.containers[0].args).toEqual([
      '--data-dir',
      '/var/lib/tributary/data',
      '--node-id',
      '$(POD_INDEX)',
      '--listen',
      'SASL_SSL://0.0.0.0:9093',
      '--advertised',
      'lkc-std3-b$(POD_INDEX).kafka.example.com:9094',
      '--admin-listen',
      '0.0.0.0:9644',
      '--admin-token-file',
      '/etc/tributary/admin/token',
      '--set',
      'authorizer.enabled=true',
      '--set',
      'log.retention.hours=168',
      '--set',
      'message.max.bytes=8388608',
      '--set',
      'num.partitions=3',
      '--set',
      'ssl.keystore.location=/etc/tributary/tls/tls-combined.pem',
      '--set',
      'ssl.keystore.type=PEM',
    ]);
  });

  it('escapes $ in broker config so Kubernetes does not expand it', () => {
    const spec = basicSpec({
      brokerConfig: { 'sasl.oauthbearer.jwks.endpoint.url': 'a$(POD_NAME)$b' },
    });
    const args = statefulSet(renderPool(spec, plaintextOptions, TOKEN)).spec!.template.spec!
      .containers[0].args!;
    expect(args).toContain('sasl.oauthbearer.jwks.endpoint.url=a$$(POD_NAME)$$b');
  });

  it('refuses broker config the driver owns and short admin tokens', () => {
    const spec = basicSpec({ brokerConfig: { 'ssl.keystore.location': '/x.pem' } });
    expect(() => renderPool(spec, plaintextOptions, TOKEN)).toThrow(DriverOwnedPropertyError);
    expect(() => renderPool(basicSpec(), plaintextOptions, 'short')).toThrow(
      InvalidAdminTokenError,
    );
  });

  it('allows the admin port only from the agent and never exposes it through a Service', () => {
    const objects = renderPool(standardSpec(), externalTlsOptions, TOKEN);
    const policy = objects.find((o) => o.kind === 'NetworkPolicy')!;
    expect(policy).toMatchObject({
      spec: {
        ingress: [
          { ports: [{ port: 9093 }] },
          {
            _from: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': 'tributary-system' },
                },
                podSelector: { matchLabels: { 'app.kubernetes.io/name': 'tributary-agent' } },
              },
            ],
            ports: [{ port: 9644 }],
          },
        ],
      },
    });
    for (const s of objects.filter((o) => o.kind === 'Service'))
      if ((s as { spec: { clusterIP?: string } }).spec.clusterIP !== 'None')
        expect(JSON.stringify(s)).not.toContain('9644');
  });

  it('keeps the token out of the pod spec: it comes from the Secret as a file', () => {
    const objects = renderPool(basicSpec(), plaintextOptions, TOKEN);
    const secret = objects[0] as { data: Record<string, string> };
    expect(Buffer.from(secret.data.token, 'base64').toString()).toBe(TOKEN);
    expect(JSON.stringify(statefulSet(objects))).not.toContain(TOKEN);
  });

  it('is deterministic', () => {
    const a = renderPool(standardSpec(), externalTlsOptions, TOKEN);
    const b = renderPool(standardSpec(), externalTlsOptions, TOKEN);
    expect(a.map((o) => dumpYaml(o))).toEqual(b.map((o) => dumpYaml(o)));
  });

  it('uses only fields of the Kubernetes API types (nothing is lost through the client models)', () => {
    for (const objects of [
      renderPool(basicSpec(), plaintextOptions, TOKEN),
      renderPool(standardSpec(), externalTlsOptions, TOKEN),
    ])
      for (const o of objects) expect(loadYaml(dumpYaml(o))).toEqual(o);
    // The check catches a misspelt field.
    const sts = statefulSet(renderPool(basicSpec(), plaintextOptions, TOKEN));
    const typo = { ...sts, spec: { ...sts.spec, replicaCount: 1 } };
    expect(loadYaml(dumpYaml(typo))).not.toEqual(typo);
  });
});

describe('a changed spec changes exactly the expected fields', () => {
  const before = renderPool(standardSpec(), externalTlsOptions, TOKEN);
  const container = 'spec.template.spec.containers.0';

  it('cpu and memory: requests, limits and heap of the StatefulSet only', () => {
    const after = renderPool(
      standardSpec({ resources: { cpuMillis: 4000, memoryMiB: 8192, storageGiB: 100 } }),
      externalTlsOptions,
      TOKEN,
    );
    expect(diff(before, after)).toEqual({
      'StatefulSet/kafka-lkc-std3': [
        `${container}.env.2.value`,
        `${container}.resources.requests.cpu`,
        `${container}.resources.requests.memory`,
        `${container}.resources.limits.cpu`,
        `${container}.resources.limits.memory`,
      ],
    });
  });

  it('storage: the volume claim template only', () => {
    const after = renderPool(
      standardSpec({ resources: { cpuMillis: 2000, memoryMiB: 4096, storageGiB: 200 } }),
      externalTlsOptions,
      TOKEN,
    );
    expect(diff(before, after)).toEqual({
      'StatefulSet/kafka-lkc-std3': ['spec.volumeClaimTemplates.0.spec.resources.requests.storage'],
    });
  });

  it('broker count: replicas and the per-broker Services', () => {
    const after = renderPool(standardSpec({ brokers: 5 }), externalTlsOptions, TOKEN);
    const d = diff(before, after);
    expect(d['StatefulSet/kafka-lkc-std3']).toEqual(['spec.replicas']);
    expect(Object.keys(d).sort()).toEqual([
      'Service/kafka-lkc-std3-3',
      'Service/kafka-lkc-std3-4',
      'StatefulSet/kafka-lkc-std3',
    ]);
  });

  it('broker config: the --set flags only', () => {
    const after = renderPool(
      standardSpec({
        brokerConfig: { ...standardSpec().brokerConfig, 'message.max.bytes': '1048588' },
      }),
      externalTlsOptions,
      TOKEN,
    );
    expect(diff(before, after)).toEqual({ 'StatefulSet/kafka-lkc-std3': [`${container}.args.17`] });
  });

  it('credentials, ACLs, topics, limits and generation: nothing (pushed to the admin endpoint)', () => {
    const after = renderPool(
      standardSpec({
        generation: 7,
        limits: { cluster: { 'max.partitions': 10 } },
        acls: [
          {
            resourceType: 'TOPIC',
            resourceName: 'orders',
            patternType: 'LITERAL',
            principal: 'User:sa-1',
            host: '*',
            operation: 'READ',
            permissionType: 'ALLOW',
          },
        ],
        topics: [{ name: 'orders', state: 'PRESENT', partitions: 3, configs: {} }],
      }),
      externalTlsOptions,
      TOKEN,
    );
    expect(diff(before, after)).toEqual({});
  });

  it('plaintext listener: no TLS volume, mount or key store flags', () => {
    const tlsOff = parseRenderOptions({
      ...externalTlsOptions,
      securityProtocol: 'SASL_PLAINTEXT',
      tls: undefined,
    });
    const sts = statefulSet(renderPool(standardSpec(), tlsOff, TOKEN));
    const pod = sts.spec!.template.spec!;
    expect(pod.volumes?.map((v) => v.name)).toEqual(['admin-token', 'tmp']);
    expect(pod.containers[0].volumeMounts?.map((m) => m.name)).toEqual([
      'data',
      'admin-token',
      'tmp',
    ]);
    expect(pod.containers[0].args?.join(' ')).not.toContain('ssl.');
    expect(pod.containers[0].args).toContain('SASL_PLAINTEXT://0.0.0.0:9093');
  });
});

describe('tiered storage', () => {
  it("sets the cluster's rsm.* flags and takes the key pair from a Secret reference only", () => {
    const sts = statefulSet(renderPool(basicSpec(), tieredOptions, TOKEN, tieredS3));
    const broker = sts.spec!.template.spec!.containers[0];
    expect(broker.args).toEqual(
      expect.arrayContaining([
        'remote.log.storage.system.enable=true',
        'rsm.config.cluster.id=lkc-basic1',
        'rsm.config.key.prefix=prod/',
        'rsm.config.storage.s3.bucket.name=tributary-eu-west-1',
        'rsm.config.storage.s3.endpoint.url=https://s3.eu-west-1.amazonaws.com',
      ]),
    );
    expect(broker.env?.filter((e) => e.name.startsWith('AWS_'))).toEqual([
      {
        name: 'AWS_ACCESS_KEY_ID',
        valueFrom: { secretKeyRef: { name: 'tributary-s3', key: 'AWS_ACCESS_KEY_ID' } },
      },
      {
        name: 'AWS_SECRET_ACCESS_KEY',
        valueFrom: { secretKeyRef: { name: 'tributary-s3', key: 'AWS_SECRET_ACCESS_KEY' } },
      },
    ]);
    const all = JSON.stringify(renderPool(basicSpec(), tieredOptions, TOKEN, tieredS3));
    expect(all).not.toContain(tieredS3.credentials!.secretAccessKey);
    expect(all).not.toContain(tieredS3.credentials!.accessKeyId);
    // Without the agent's S3 settings nothing of it is rendered, Secret option or not.
    const off = JSON.stringify(renderPool(basicSpec(), tieredOptions, TOKEN));
    expect(off).not.toMatch(/rsm\.|remote\.log\.storage|AWS_/);
  });

  it('refuses a spec that sets rsm.* or remote.log.storage.*', () => {
    for (const key of ['rsm.config.cluster.id', 'remote.log.storage.system.enable'])
      expect(() =>
        renderPool(basicSpec({ brokerConfig: { [key]: 'x' } }), tieredOptions, TOKEN, tieredS3),
      ).toThrow(ReservedBrokerConfigError);
  });
});

describe('render options', () => {
  it('need a TLS secret for SASL_SSL and a {brokerId} in the endpoint template', () => {
    expect(() => parseRenderOptions({ brokerImage: 'b' })).toThrow(/SASL_SSL needs tls.secretName/);
    expect(() =>
      parseRenderOptions({
        brokerImage: 'b',
        securityProtocol: 'SASL_PLAINTEXT',
        external: { endpointTemplate: 'kafka.example.com:9093' },
      }),
    ).toThrow(/must be HOST:PORT with \{brokerId\} in the host/);
  });
});

describe('render options from a file', () => {
  it('reads valid options and names the file and each bad field otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'render-options-'));
    try {
      const good = join(dir, 'good.json');
      await writeFile(
        good,
        JSON.stringify({ brokerImage: 'b:1', securityProtocol: 'SASL_PLAINTEXT' }),
      );
      expect(readRenderOptions(good)).toEqual(
        parseRenderOptions({ brokerImage: 'b:1', securityProtocol: 'SASL_PLAINTEXT' }),
      );
      const bad = join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify({ brokerImage: '', namespace: 'Bad_NS', extra: 1 }));
      expect(() => readRenderOptions(bad)).toThrow(
        new RegExp(`^${bad}: .*namespace: must be a DNS label.*brokerImage: .*`),
      );
      expect(() => readRenderOptions(join(dir, 'missing.json'))).toThrow(/missing\.json: ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
