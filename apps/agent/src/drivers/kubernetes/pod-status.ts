/**
 * A broker's observed state from its pod: phase, readiness, the broker container's restart
 * count and why it last failed. A pod that does not exist yet is STARTING (the StatefulSet
 * controller has still to create it); one being deleted is STOPPED.
 */
import type { V1ContainerState, V1Pod } from '@kubernetes/client-node';
import type { BrokerState, DriverBrokerStatus } from '../pool-driver.js';

/** Waiting reasons that mean the broker (or its image) failed, not that it is on its way. */
const FAILED_WAITING = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

function describe(state: V1ContainerState | undefined): string | null {
  if (state?.waiting?.reason)
    return [state.waiting.reason, state.waiting.message].filter(Boolean).join(': ');
  const t = state?.terminated;
  if (t)
    return [`${t.reason ?? 'Terminated'} (exit code ${t.exitCode})`, t.message]
      .filter(Boolean)
      .join(': ');
  return null;
}

export interface BrokerAddresses {
  endpoint: string;
  adminUrl: string;
}

export function brokerStatusFromPod(
  brokerId: number,
  pod: V1Pod | undefined,
  addresses: BrokerAddresses,
): DriverBrokerStatus {
  if (!pod)
    return {
      brokerId,
      state: 'STARTING',
      restarts: 0,
      endpoint: null,
      adminUrl: null,
      lastError: null,
    };
  const container = pod.status?.containerStatuses?.find((c) => c.name === 'broker');
  const restarts = container?.restartCount ?? 0;
  const waitingReason = container?.state?.waiting?.reason;
  let state: BrokerState;
  if (pod.metadata?.deletionTimestamp) state = 'STOPPED';
  else if (pod.status?.phase === 'Failed') state = 'CRASHED';
  else if (pod.status?.phase === 'Succeeded') state = 'STOPPED';
  else if (waitingReason !== undefined && FAILED_WAITING.has(waitingReason)) state = 'CRASHED';
  else if (pod.status?.phase === 'Running' && container?.ready === true) state = 'RUNNING';
  else state = 'STARTING';
  const unscheduled = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False',
  );
  const lastError =
    state === 'RUNNING'
      ? null
      : (describe(container?.state) ??
        describe(container?.lastState) ??
        (unscheduled
          ? `${unscheduled.reason ?? 'Unschedulable'}: ${unscheduled.message ?? ''}`
          : null) ??
        (pod.status?.reason ? `${pod.status.reason}: ${pod.status.message ?? ''}` : null));
  // The pod's DNS name exists once it has an address (the headless Service publishes
  // not-ready pods too).
  const addressed = Boolean(pod.status?.podIP);
  return {
    brokerId,
    state,
    restarts,
    endpoint: addressed ? addresses.endpoint : null,
    adminUrl: addressed ? addresses.adminUrl : null,
    lastError,
  };
}
