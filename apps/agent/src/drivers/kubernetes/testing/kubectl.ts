/**
 * Test support: `kubectl apply --dry-run=client -f -` on YAML, with nothing sent anywhere.
 *
 * Even a client dry run asks a server two things: API discovery (which resource serves a
 * kind, namespaced or not) and the live object (apply compares against it). A throw-away
 * kubeconfig in a temporary directory points kubectl at a FakeKubeApi on 127.0.0.1 that holds
 * no objects, so kubectl plans a create for each, as it would against an empty cluster.
 * Schema validation needs the server's OpenAPI document, which no package here ships, hence
 * `--validate=false`; field names and types are checked by round-tripping every object
 * through the API client's generated models instead (render-pool.test.ts).
 * The caller asserts from `requests` that kubectl only read (GET).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKubeApi, type RecordedRequest } from './fake-kube-api.js';

export interface DryRunResult {
  /** kubectl's exit code. */
  code: number;
  /** What kubectl would create, as the API server would receive it (`-o json`). */
  objects: Array<Record<string, unknown>>;
  stderr: string;
  requests: RecordedRequest[];
}

export function kubectlAvailable(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('kubectl', ['version', '--client', '-o', 'json'], (err, stdout) => {
      if (err) return resolve(null);
      try {
        const v = JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } };
        resolve(v.clientVersion?.gitVersion ?? 'unknown');
      } catch {
        resolve(null);
      }
    });
  });
}

export async function kubectlDryRun(yaml: string, namespace = 'default'): Promise<DryRunResult> {
  const api = await FakeKubeApi.start();
  const dir = await mkdtemp(join(tmpdir(), 'tributary-kubectl-'));
  try {
    const kubeconfig = join(dir, 'config');
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'loopback', cluster: { server: api.url } }],
        users: [{ name: 'nobody', user: {} }],
        contexts: [
          { name: 'loopback', context: { cluster: 'loopback', user: 'nobody', namespace } },
        ],
        'current-context': 'loopback',
      }),
    );
    const args = [
      '--kubeconfig',
      kubeconfig,
      '--cache-dir',
      join(dir, 'cache'),
      'apply',
      '--dry-run=client',
      '--validate=false',
      '-o',
      'json',
      '-f',
      '-',
    ];
    const { code, stdout, stderr } = await new Promise<{
      code: number;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      const child = execFile(
        'kubectl',
        args,
        { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, maxBuffer: 16 << 20 },
        (err, out, errText) =>
          resolve({
            code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
            stdout: out,
            stderr: errText,
          }),
      );
      child.stdin!.end(yaml);
    });
    let objects: Array<Record<string, unknown>> = [];
    if (code === 0) {
      const parsed = JSON.parse(stdout) as {
        kind?: string;
        items?: Array<Record<string, unknown>>;
      };
      objects = parsed.kind === 'List' ? (parsed.items ?? []) : [parsed as Record<string, unknown>];
    }
    return { code, objects, stderr, requests: api.requests };
  } finally {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
