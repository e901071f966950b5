/** The clusters context's exception. */
import { contextFilter } from '../../platform/exception-filters.js';
import { ProblemError } from '../../platform/problem.js';

export class ClustersError extends ProblemError {
  static duplicateName() {
    return new ClustersError(
      409,
      'duplicate-name',
      'Conflict',
      'a cluster with this name exists in the environment',
      [{ pointer: '/name', detail: 'already used' }],
    );
  }
  static planUnavailable(plan: string, brokers: number) {
    return new ClustersError(
      422,
      'plan-unavailable',
      'Unprocessable Content',
      `plan ${plan} needs a ${brokers}-broker pool; multi-broker pools need replication between brokers, which is not built yet — use plan basic`,
      [{ pointer: '/plan', detail: 'multi-broker plans are not available' }],
    );
  }
  static brokersNotAllowed() {
    return new ClustersError(
      422,
      'brokers-fixed',
      'Unprocessable Content',
      'brokers is set by the plan except for dedicated',
      [{ pointer: '/brokers', detail: 'only for plan dedicated' }],
    );
  }
  static deletionProtected() {
    return new ClustersError(
      409,
      'deletion-protected',
      'Conflict',
      'the cluster has deletion protection; switch it off first',
    );
  }
  static notModifiable(status: string) {
    return new ClustersError(409, 'cluster-busy', 'Conflict', `the cluster is ${status}`);
  }
}
export const ClustersExceptionFilter = contextFilter(ClustersError);
