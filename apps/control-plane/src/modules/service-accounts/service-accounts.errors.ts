/** The service accounts context's exception (its filter maps it to problem+json). */
import { contextFilter } from '../../platform/exception-filters.js';
import { ProblemError } from '../../platform/problem.js';

export class ServiceAccountsError extends ProblemError {
  static duplicateName() {
    return new ServiceAccountsError(
      409,
      'duplicate-name',
      'Conflict',
      'a service account with this name exists',
      [{ pointer: '/name', detail: 'already used' }],
    );
  }
  static hasKeys() {
    return new ServiceAccountsError(
      409,
      'service-account-in-use',
      'Conflict',
      'delete the API keys of this service account first',
    );
  }
}
export const ServiceAccountsExceptionFilter = contextFilter(ServiceAccountsError);
