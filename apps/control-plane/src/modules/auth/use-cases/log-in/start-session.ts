/** A new console session: a random cookie token (only its hash is stored) and a CSRF token. */
import { randomToken, sha256 } from '../../../../platform/crypto.js';
import type { AuthRepository } from '../../auth.repository.js';

export interface NewSession {
  token: string;
  csrfToken: string;
}

export async function startSession(
  repo: AuthRepository,
  userId: string,
  from: { ip: string | undefined; userAgent: string | undefined },
  expiresAt: Date,
): Promise<NewSession> {
  const token = randomToken();
  const csrfToken = randomToken(24);
  await repo.createSession({
    tokenHash: sha256(token),
    csrfToken,
    userId,
    ip: from.ip ?? null,
    userAgent: from.userAgent ?? null,
    expiresAt,
  });
  return { token, csrfToken };
}
