/**
 * Golden manifests: the YAML rendered from the fixed specs in testing/fixtures.ts must equal
 * the files in golden/ byte for byte, and kubectl must accept each one (client dry run, no
 * cluster). `UPDATE_GOLDEN=1 npx vitest run apps/agent/src/drivers/kubernetes` rewrites the
 * files; review the diff like code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadYaml } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderPool } from './render-pool.js';
import {
  TOKEN,
  basicSpec,
  externalTlsOptions,
  plaintextOptions,
  standardSpec,
  tieredOptions,
  tieredS3,
} from './testing/fixtures.js';
import { kubectlAvailable, kubectlDryRun } from './testing/kubectl.js';
import { toYaml } from './to-yaml.js';

const GOLDEN_DIR = join(import.meta.dirname, 'golden');

const cases = [
  {
    file: 'pool-1-broker-sasl-plaintext.yaml',
    objects: () => renderPool(basicSpec(), plaintextOptions, TOKEN),
  },
  {
    file: 'pool-3-brokers-sasl-ssl-external.yaml',
    objects: () => renderPool(standardSpec(), externalTlsOptions, TOKEN),
  },
  {
    file: 'pool-1-broker-tiered-s3.yaml',
    objects: () => renderPool(basicSpec(), tieredOptions, TOKEN, tieredS3),
  },
];

describe('golden manifests', () => {
  for (const c of cases)
    it(`${c.file} is what renderPool gives`, async () => {
      const path = join(GOLDEN_DIR, c.file);
      const rendered = toYaml(c.objects());
      if (process.env.UPDATE_GOLDEN === '1') await writeFile(path, rendered);
      expect(rendered).toBe(await readFile(path, 'utf8'));
    });
});

describe('kubectl apply --dry-run=client', () => {
  beforeAll(async () => {
    const version = await kubectlAvailable();
    if (!version) throw new Error('kubectl not found: run scripts/setup.sh');
  });

  for (const c of cases)
    it(`accepts ${c.file}, keeps every field, and only reads from the server`, async () => {
      const objects = c.objects();
      const result = await kubectlDryRun(await readFile(join(GOLDEN_DIR, c.file), 'utf8'));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.objects.map((o) => o.kind)).toEqual(objects.map((o) => o.kind));
      // What kubectl would send, read back into the client's models, is what was rendered
      // (apart from the last-applied annotation kubectl adds).
      result.objects.forEach((sent, i) => {
        const model = loadYaml<{ metadata: { annotations?: Record<string, string> } }>(
          JSON.stringify(sent),
        );
        const annotations = { ...model.metadata.annotations };
        delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
        model.metadata.annotations = Object.keys(annotations).length ? annotations : undefined;
        if (model.metadata.annotations === undefined) delete model.metadata.annotations;
        expect(model).toEqual(objects[i]);
      });
      expect(result.requests.length).toBeGreaterThan(0);
      expect(result.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    });

  it('rejects an unknown kind and an object without a name', async () => {
    const unknownKind = await kubectlDryRun('apiVersion: v1\nkind: Sekret\nmetadata:\n  name: x\n');
    expect(unknownKind.code).not.toBe(0);
    expect(unknownKind.stderr).toMatch(/no matches for kind "Sekret"/);
    const noName = await kubectlDryRun('apiVersion: v1\nkind: Secret\nmetadata:\n  labels: {}\n');
    expect(noName.code).not.toBe(0);
    expect(noName.stderr).toMatch(/name may not be empty/);
  });
});
