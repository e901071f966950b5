/** The environments context's exception (its filter maps it to problem+json). */
import { contextFilter } from '../../platform/exception-filters.js';
import { ProblemError } from '../../platform/problem.js';

export class EnvironmentsError extends ProblemError {
  static duplicateName() {
    return new EnvironmentsError(
      409,
      'duplicate-name',
      'Conflict',
      'an environment with this name exists in the organization',
      [{ pointer: '/name', detail: 'already used' }],
    );
  }
  static notEmpty() {
    return new EnvironmentsError(
      409,
      'environment-not-empty',
      'Conflict',
      'delete the clusters of this environment first',
    );
  }
}
export const EnvironmentsExceptionFilter = contextFilter(EnvironmentsError);
