/**
 * A pool's Services. Kafka clients bootstrap from one address and then connect to every
 * broker by the address it advertises, so each broker must be reachable on its own:
 * - headless Service: a stable DNS name per pod (what brokers advertise in-cluster, and where
 *   the agent reaches each admin endpoint);
 * - bootstrap Service: one in-cluster address for the Kafka port of all ready brokers;
 * - with `external`: the bootstrap Service and one Service per broker are LoadBalancers on the
 *   port of the advertised address, forwarding to the Kafka port only. A single load-balanced Service
 *   cannot work for Kafka: a client must reach the one broker that leads a partition.
 * The admin port is never exposed by a Service that routes traffic.
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { ADMIN_PORT, KAFKA_PORT, type PoolNames, podSelector, poolLabels } from './names.js';
import type { RenderOptions } from './render-options.js';

const kafkaPort: V1ServicePort = {
  name: 'kafka',
  port: KAFKA_PORT,
  protocol: 'TCP',
  targetPort: 'kafka',
};

export function renderServices(
  brokers: number,
  names: PoolNames,
  options: RenderOptions,
): V1Service[] {
  const labels = poolLabels(names);
  const selector = podSelector(names);
  const external = options.external;
  const annotations =
    external && Object.keys(external.serviceAnnotations).length > 0
      ? { annotations: external.serviceAnnotations }
      : {};
  // The port clients dial is the one in the advertised address.
  const externalPort: V1ServicePort = {
    ...kafkaPort,
    port: external
      ? Number(external.endpointTemplate.slice(external.endpointTemplate.lastIndexOf(':') + 1))
      : KAFKA_PORT,
  };
  const headless: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: names.headless, namespace: names.namespace, labels },
    spec: {
      clusterIP: 'None',
      // Brokers must resolve before they are ready: the agent configures them through DNS.
      publishNotReadyAddresses: true,
      selector,
      ports: [kafkaPort, { name: 'admin', port: ADMIN_PORT, protocol: 'TCP', targetPort: 'admin' }],
    },
  };
  const bootstrap: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: names.base, namespace: names.namespace, labels, ...annotations },
    spec: external
      ? { type: 'LoadBalancer', selector, ports: [externalPort] }
      : { type: 'ClusterIP', selector, ports: [kafkaPort] },
  };
  const perBroker: V1Service[] = external
    ? Array.from({ length: brokers }, (_, ordinal) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: names.pod(ordinal), namespace: names.namespace, labels, ...annotations },
        spec: {
          type: 'LoadBalancer',
          // Keep the client's address (ACLs may match on host).
          externalTrafficPolicy: 'Local',
          selector: { ...selector, 'statefulset.kubernetes.io/pod-name': names.pod(ordinal) },
          ports: [externalPort],
        },
      }))
    : [];
  return [headless, bootstrap, ...perBroker];
}
