/** The organizations context's exception and filter. */
import { contextFilter } from '../../platform/exception-filters.js';
import { ProblemError } from '../../platform/problem.js';

export class OrgsError extends ProblemError {
  static lastAdmin() {
    return new OrgsError(
      409,
      'last-org-admin',
      'Conflict',
      'an organization keeps at least one OrgAdmin',
    );
  }
  static invitationInvalid() {
    return new OrgsError(
      404,
      'invitation-invalid',
      'Not Found',
      'no pending invitation for this token and account',
    );
  }
  static alreadyMember() {
    return new OrgsError(409, 'already-member', 'Conflict', 'this user is already a member');
  }
}
export const OrgsExceptionFilter = contextFilter(OrgsError);
