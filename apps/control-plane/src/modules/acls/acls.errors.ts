/** The ACLs context's exception (its filter maps it to problem+json). */
import { contextFilter } from '../../platform/exception-filters.js';
import { ProblemError } from '../../platform/problem.js';

export class AclsError extends ProblemError {
  static duplicate() {
    return new AclsError(409, 'duplicate-acl', 'Conflict', 'this ACL binding exists');
  }
  static unknownPrincipal() {
    return new AclsError(
      422,
      'unknown-principal',
      'Unprocessable Content',
      'the principal is not a service account or member of this organization',
      [{ pointer: '/principal', detail: 'User:<service account id>, User:<user id> or User:*' }],
    );
  }
}
export const AclsExceptionFilter = contextFilter(AclsError);
