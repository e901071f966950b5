/** The auth context's exception (its filter maps it to problem+json). */
import { ProblemError } from '../../platform/problem.js';
import { contextFilter } from '../../platform/exception-filters.js';

export class AuthError extends ProblemError {
  static invalidCredentials() {
    return new AuthError(
      401,
      'invalid-credentials',
      'Unauthenticated',
      'email or password is wrong',
    );
  }
  static emailTaken() {
    return new AuthError(409, 'email-taken', 'Conflict', 'an account with this email exists', [
      { pointer: '/email', detail: 'already registered' },
    ]);
  }
  static csrf() {
    return new AuthError(
      403,
      'csrf',
      'Forbidden',
      'cookie-authenticated writes need the X-CSRF-Token header of the session',
    );
  }
}
export const AuthExceptionFilter = contextFilter(AuthError);
