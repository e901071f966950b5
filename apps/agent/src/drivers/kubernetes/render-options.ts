/**
 * How the kubernetes driver renders pools on one Kubernetes cluster: the operator's choices
 * (namespace, broker image, listener security, TLS secret, external exposure, the Secret with
 * the S3 key pair for tiered storage), validated once
 * at agent start-up so a bad setting fails there with a precise message.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a DNS label (a-z, 0-9, -)');
const labelMap = z.record(z.string().min(1), z.string());

export const renderOptionsSchema = z
  .strictObject({
    /** Namespace all pools live in (created by the operator, see infra/kubernetes). */
    namespace: dnsLabel.default('tributary-pools'),
    /** Broker image, e.g. `registry.example.com/tributary/broker:0.1.0`. */
    brokerImage: z.string().min(1),
    imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent'),
    /** The Kafka listener's security protocol: clients always authenticate with an API key. */
    securityProtocol: z.enum(['SASL_SSL', 'SASL_PLAINTEXT']).default('SASL_SSL'),
    /**
     * SASL_SSL: a Secret in `namespace` with a PEM key store (private key + certificate
     * chain) under `keystoreKey`, e.g. cert-manager's `tls-combined.pem`.
     */
    tls: z
      .strictObject({
        secretName: dnsLabel,
        keystoreKey: z
          .string()
          .regex(/^[-._a-zA-Z0-9]+$/)
          .default('tls-combined.pem'),
      })
      .optional(),
    clusterDomain: z.string().min(1).default('cluster.local'),
    /** Where the agent runs: only its pods may reach the brokers' admin port. */
    agent: z
      .strictObject({
        namespace: dnsLabel.default('tributary-system'),
        podLabels: labelMap.default({ 'app.kubernetes.io/name': 'tributary-agent' }),
      })
      .prefault({}),
    /** Storage class of the brokers' volumes; absent = the cluster's default class. */
    storageClassName: z.string().min(1).optional(),
    /**
     * Expose each broker outside the Kubernetes cluster with its own LoadBalancer Service
     * (a NodePort per broker would need the node port in the advertised address). The template
     * is the address a broker advertises: `{clusterId}` and `{brokerId}` are replaced, e.g.
     * `{clusterId}-b{brokerId}.kafka.example.com:9093` (the operator points that DNS name
     * at the broker's Service). Absent: brokers advertise their in-cluster DNS names.
     */
    external: z
      .strictObject({
        endpointTemplate: z
          .string()
          .regex(
            /^[^\s:]*\{brokerId\}[^\s:]*:\d{1,5}$/,
            'must be HOST:PORT with {brokerId} in the host',
          ),
        serviceAnnotations: labelMap.default({}),
      })
      .optional(),
    /**
     * With tiered storage (the agent's --s3-* settings): a Secret in `namespace` holding the
     * region's S3 key pair, given to each broker as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
     * from secretKeyRef (the pod spec names the Secret, never the values). Absent: brokers use
     * the AWS SDK's default chain (e.g. a service-account role).
     */
    s3CredentialsSecret: z
      .strictObject({
        name: dnsLabel,
        accessKeyIdKey: z
          .string()
          .regex(/^[-._a-zA-Z0-9]+$/)
          .default('AWS_ACCESS_KEY_ID'),
        secretAccessKeyKey: z
          .string()
          .regex(/^[-._a-zA-Z0-9]+$/)
          .default('AWS_SECRET_ACCESS_KEY'),
      })
      .optional(),
    /** Scheduler hints copied to every broker pod. */
    nodeSelector: labelMap.default({}),
    tolerations: z
      .array(
        z.strictObject({
          key: z.string().optional(),
          operator: z.enum(['Exists', 'Equal']).optional(),
          value: z.string().optional(),
          effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
        }),
      )
      .default([]),
  })
  .check((ctx) => {
    if (ctx.value.securityProtocol === 'SASL_SSL' && ctx.value.tls === undefined)
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        path: ['tls'],
        message: 'SASL_SSL needs tls.secretName (a Secret with the PEM key store)',
      });
  });

export type RenderOptions = z.infer<typeof renderOptionsSchema>;
export type RenderOptionsInput = z.input<typeof renderOptionsSchema>;

export function parseRenderOptions(input: RenderOptionsInput): RenderOptions {
  return renderOptionsSchema.parse(input);
}

/**
 * The options from a JSON file (the agent's ConfigMap in infra/kubernetes/agent.yaml); the
 * error names the file and every bad field.
 */
export function readRenderOptions(file: string): RenderOptions {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const parsed = renderOptionsSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
