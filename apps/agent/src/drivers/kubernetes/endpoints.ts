/**
 * The Kafka address each broker advertises and the admin URL the agent uses, in two forms:
 * the concrete one for broker `ordinal` (observed status) and the one in the pod template,
 * where Kubernetes substitutes `$(POD_NAME)` / `$(POD_INDEX)` per pod.
 */
import { ADMIN_PORT, KAFKA_PORT, type PoolNames } from './names.js';
import type { RenderOptions } from './render-options.js';

/** Kubernetes expands `$(VAR)` in container args; `$$` stands for a literal `$`. */
export function escapeArg(value: string): string {
  return value.replaceAll('$', '$$$$');
}

function fromTemplate(template: string, clusterId: string, brokerId: string): string {
  return template.replaceAll('{clusterId}', clusterId).replaceAll('{brokerId}', brokerId);
}

/** host:port clients use for broker `ordinal`. */
export function brokerEndpoint(names: PoolNames, options: RenderOptions, ordinal: number): string {
  return options.external
    ? fromTemplate(options.external.endpointTemplate, names.clusterId, String(ordinal))
    : `${names.podHost(ordinal)}:${KAFKA_PORT}`;
}

/** The `--advertised` argument of the pod template (same for every pod of the pool). */
export function advertisedArg(names: PoolNames, options: RenderOptions): string {
  if (options.external)
    return fromTemplate(
      escapeArg(options.external.endpointTemplate),
      escapeArg(names.clusterId),
      '$(POD_INDEX)',
    );
  const host = names.podHost(0).replace(`${names.pod(0)}.`, '$(POD_NAME).');
  return `${host}:${KAFKA_PORT}`;
}

/** Base URL of broker `ordinal`'s admin endpoint (in-cluster only). */
export function brokerAdminUrl(names: PoolNames, ordinal: number): string {
  return `http://${names.podHost(ordinal)}:${ADMIN_PORT}`;
}
