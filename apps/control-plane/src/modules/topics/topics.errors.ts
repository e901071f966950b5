/** The topics context's exception (its filter maps it to problem+json). */
import { contextFilter } from '../../platform/exception-filters.js';
import { ProblemError } from '../../platform/problem.js';

export class TopicsError extends ProblemError {
  static duplicate(name: string) {
    return new TopicsError(409, 'duplicate-name', 'Conflict', `topic ${name} exists`, [
      { pointer: '/name', detail: 'already exists' },
    ]);
  }
  static overPlan(max: number, wanted: number) {
    return new TopicsError(
      422,
      'partition-limit',
      'Unprocessable Content',
      `the plan allows ${max} partitions per cluster; this needs ${wanted}`,
      [{ pointer: '/partitions', detail: `at most ${max} partitions in the cluster` }],
    );
  }
  static notRunning(status: string) {
    return new TopicsError(409, 'cluster-not-running', 'Conflict', `the cluster is ${status}`);
  }
}
export const TopicsExceptionFilter = contextFilter(TopicsError);
