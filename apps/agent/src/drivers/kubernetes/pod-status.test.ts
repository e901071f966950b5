import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { brokerStatusFromPod } from './pod-status.js';

const addresses = { endpoint: 'b-0.h.ns.svc.cluster.local:9093', adminUrl: 'http://b-0.h:9644' };

function pod(status: V1Pod['status'], metadata: V1Pod['metadata'] = { name: 'b-0' }): V1Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata, status };
}

describe('broker status from its pod', () => {
  it('no pod yet: STARTING, addresses unknown', () => {
    expect(brokerStatusFromPod(0, undefined, addresses)).toEqual({
      brokerId: 0,
      state: 'STARTING',
      restarts: 0,
      endpoint: null,
      adminUrl: null,
      lastError: null,
    });
  });

  it('unschedulable: STARTING with the scheduler message', () => {
    const s = brokerStatusFromPod(
      1,
      pod({
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient memory.',
          },
        ],
      }),
      addresses,
    );
    expect(s).toMatchObject({
      brokerId: 1,
      state: 'STARTING',
      endpoint: null,
      lastError: 'Unschedulable: 0/3 nodes are available: 3 Insufficient memory.',
    });
  });

  it('running and ready: RUNNING with its endpoint and admin URL', () => {
    const s = brokerStatusFromPod(
      0,
      pod({
        phase: 'Running',
        podIP: '10.0.0.7',
        containerStatuses: [
          {
            name: 'broker',
            ready: true,
            restartCount: 2,
            image: 'i',
            imageID: 'i',
            state: { running: {} },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
          },
        ],
      }),
      addresses,
    );
    expect(s).toEqual({
      brokerId: 0,
      state: 'RUNNING',
      restarts: 2,
      ...addresses,
      lastError: null,
    });
  });

  it('running but not ready after a crash: STARTING, with why it last stopped', () => {
    const s = brokerStatusFromPod(
      0,
      pod({
        phase: 'Running',
        podIP: '10.0.0.7',
        containerStatuses: [
          {
            name: 'broker',
            ready: false,
            restartCount: 1,
            image: 'i',
            imageID: 'i',
            state: { running: {} },
            lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'bad config' } },
          },
        ],
      }),
      addresses,
    );
    expect(s).toMatchObject({
      state: 'STARTING',
      restarts: 1,
      lastError: 'Error (exit code 1): bad config',
    });
  });

  it('crash loop or image pull failure: CRASHED', () => {
    for (const reason of ['CrashLoopBackOff', 'ImagePullBackOff']) {
      const s = brokerStatusFromPod(
        0,
        pod({
          phase: reason === 'CrashLoopBackOff' ? 'Running' : 'Pending',
          podIP: '10.0.0.7',
          containerStatuses: [
            {
              name: 'broker',
              ready: false,
              restartCount: 5,
              image: 'i',
              imageID: 'i',
              state: { waiting: { reason, message: 'back-off 40s' } },
            },
          ],
        }),
        addresses,
      );
      expect(s).toMatchObject({
        state: 'CRASHED',
        restarts: 5,
        lastError: `${reason}: back-off 40s`,
      });
    }
  });

  it('failed pod: CRASHED; pod being deleted: STOPPED', () => {
    expect(
      brokerStatusFromPod(
        0,
        pod({ phase: 'Failed', reason: 'Evicted', message: 'disk pressure' }),
        addresses,
      ),
    ).toMatchObject({
      state: 'CRASHED',
      lastError: 'Evicted: disk pressure',
    });
    expect(
      brokerStatusFromPod(
        0,
        pod(
          { phase: 'Running', podIP: '10.0.0.7' },
          { name: 'b-0', deletionTimestamp: new Date(0) },
        ),
        addresses,
      ).state,
    ).toBe('STOPPED');
  });
});
