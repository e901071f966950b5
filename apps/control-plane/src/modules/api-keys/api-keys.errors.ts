/** The API keys context's exception (its filter maps it to problem+json). */
import { contextFilter } from '../../platform/exception-filters.js';
import { ProblemError } from '../../platform/problem.js';

export class ApiKeysError extends ProblemError {
  static badOwner(detail: string) {
    return new ApiKeysError(422, 'invalid-owner', 'Unprocessable Content', detail, [
      { pointer: '/owner/id', detail },
    ]);
  }
  static clusterGone(status: string) {
    return new ApiKeysError(409, 'cluster-not-running', 'Conflict', `the cluster is ${status}`);
  }
}
export const ApiKeysExceptionFilter = contextFilter(ApiKeysError);
