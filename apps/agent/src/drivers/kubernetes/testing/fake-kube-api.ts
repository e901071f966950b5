/**
 * Test support: a stand-in for the Kubernetes API server on 127.0.0.1 that records every
 * request. It exists only because no Kubernetes cluster can run on the development machines
 * (infra/README.md, "What is not tested here"). It serves API discovery for the kinds
 * Tributary uses, keeps objects in memory, and answers what the driver and kubectl ask:
 * GET one object or a label-selected list, PATCH (server-side apply stores the sent object;
 * merge patch merges), DELETE (a StatefulSet deleted without `Orphan` takes its pods along,
 * as the garbage collector would). Anything else is answered 405 and shows in the record.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ResourceType {
  name: string;
  kind: string;
  namespaced: boolean;
}

const RESOURCES: Record<string, ResourceType[]> = {
  v1: [
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
  ],
  'apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    { name: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  ],
  'policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true }],
  'networking.k8s.io/v1': [{ name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true }],
  'rbac.authorization.k8s.io/v1': [
    { name: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
    { name: 'clusterroles', kind: 'ClusterRole', namespaced: false },
    { name: 'rolebindings', kind: 'RoleBinding', namespaced: true },
    { name: 'roles', kind: 'Role', namespaced: true },
  ],
};

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  contentType: string | null;
  body: unknown;
}

type Json = Record<string, unknown>;
interface Meta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
}

function meta(o: Json): Meta {
  return (o.metadata ?? {}) as Meta;
}

function matches(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const eq = term.indexOf('=');
    if (eq < 0) return labels?.[term] !== undefined;
    return labels?.[term.slice(0, eq)] === term.slice(eq + 1);
  });
}

function mergePatch(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object')
      out[k] = mergePatch(out[k] as Json, v as Json);
    else out[k] = v;
  }
  return out;
}

function status(code: number, reason: string, message: string): Json {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason,
    message,
    code,
  };
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  /** Objects by `<apiVersion>/<resource>/<namespace>/<name>`. */
  private readonly objects = new Map<string, Json>();
  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(): Promise<FakeKubeApi> {
    const api = new FakeKubeApi();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.port = (api.server.address() as AddressInfo).port;
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Puts an object in place as if a controller had made it (not recorded as a request). */
  seed(object: Json): void {
    const apiVersion = object.apiVersion as string;
    const type = RESOURCES[apiVersion]?.find((r) => r.kind === object.kind);
    if (!type) throw new Error(`unknown kind ${apiVersion} ${String(object.kind)}`);
    const m = meta(object);
    this.objects.set(`${apiVersion}/${type.name}/${m.namespace ?? ''}/${m.name}`, object);
  }

  /** Stored objects of one kind, sorted by name. */
  stored(apiVersion: string, kind: string): Json[] {
    return [...this.objects.values()]
      .filter((o) => o.apiVersion === apiVersion && o.kind === kind)
      .sort((a, b) => String(meta(a).name).localeCompare(String(meta(b).name)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as unknown) : null;
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      url: req.url ?? '/',
      contentType: req.headers['content-type'] ?? null,
      body,
    });
    const [code, out] = this.answer(
      method,
      new URL(req.url ?? '/', this.url),
      req.headers['content-type'],
      body,
    );
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out));
  }

  private answer(
    method: string,
    url: URL,
    contentType: string | undefined,
    body: unknown,
  ): [number, Json] {
    const path = url.pathname.replace(/\/$/, '');
    if (method === 'GET' && path === '/api')
      return [200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }];
    if (method === 'GET' && path === '/apis') return [200, this.groupList()];
    const m = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))((?:\/[^/]+)*)$/.exec(path);
    if (!m) return [404, status(404, 'NotFound', `no route ${path}`)];
    const apiVersion = m[1] ?? m[2];
    const types = RESOURCES[apiVersion];
    if (!types) return [404, status(404, 'NotFound', `no API ${apiVersion}`)];
    // [namespaces/<ns>/]<resource>[/<name>]; `namespaces[/<name>]` alone is the Namespace kind.
    const segments = m[3].split('/').slice(1);
    const namespaced = segments[0] === 'namespaces' && segments.length > 2;
    const namespace = namespaced ? segments[1] : '';
    const [resource, name] = namespaced ? segments.slice(2) : segments;
    if (resource === undefined && method === 'GET')
      return [
        200,
        {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: apiVersion,
          resources: types.map((t) => ({
            name: t.name,
            singularName: t.kind.toLowerCase(),
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
          })),
        },
      ];
    const type = types.find((t) => t.name === resource);
    if (!type) return [404, status(404, 'NotFound', `no resource ${resource}`)];
    const key = `${apiVersion}/${type.name}/${namespace}/${name}`;
    if (method === 'GET' && name === undefined) {
      const selector = url.searchParams.get('labelSelector');
      const items = this.stored(apiVersion, type.kind).filter(
        (o) => (meta(o).namespace ?? '') === namespace && matches(meta(o).labels, selector),
      );
      return [200, { kind: `${type.kind}List`, apiVersion, metadata: {}, items }];
    }
    if (name === undefined) return [405, status(405, 'MethodNotAllowed', `${method} ${path}`)];
    const current = this.objects.get(key);
    const notFound = status(404, 'NotFound', `${type.name} "${name}" not found`);
    if (method === 'GET') return current ? [200, current] : [404, notFound];
    if (method === 'PATCH' && contentType === 'application/apply-patch+yaml') {
      this.objects.set(key, body as Json);
      return [current ? 200 : 201, body as Json];
    }
    if (method === 'PATCH' && contentType === 'application/merge-patch+json') {
      if (!current) return [404, notFound];
      const merged = mergePatch(current, body as Json);
      this.objects.set(key, merged);
      return [200, merged];
    }
    if (method === 'DELETE') {
      if (!current) return [404, notFound];
      this.objects.delete(key);
      if (type.kind === 'StatefulSet' && url.searchParams.get('propagationPolicy') !== 'Orphan')
        this.collectPods(current, namespace);
      return [200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' }];
    }
    return [405, status(405, 'MethodNotAllowed', `${method} ${path}`)];
  }

  private collectPods(set: Json, namespace: string): void {
    const selector = (set.spec as { selector?: { matchLabels?: Record<string, string> } })?.selector
      ?.matchLabels;
    for (const [key, o] of this.objects)
      if (o.kind === 'Pod' && meta(o).namespace === namespace && selector)
        if (Object.entries(selector).every(([k, v]) => meta(o).labels?.[k] === v))
          this.objects.delete(key);
  }

  private groupList(): Json {
    const groups = Object.keys(RESOURCES)
      .filter((gv) => gv.includes('/'))
      .map((gv) => {
        const [name, version] = gv.split('/');
        const v = { groupVersion: gv, version };
        return { name, versions: [v], preferredVersion: v };
      });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
}
