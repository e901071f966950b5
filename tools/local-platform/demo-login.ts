/**
 * The demo login of the local platform: `demo@tributary.local` with a random password made on
 * the first start and kept in `<data>/demo-login.json` (mode 0600). Created through the REST
 * API (sign-up) when logging in with it fails because the user does not exist yet.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, logIn, signUp } from '@tributary/testing';

export interface DemoLogin {
  email: string;
  /** null when the user exists with a password this launcher does not know. */
  password: string | null;
  created: boolean;
}

const EMAIL = 'demo@tributary.local';

export async function ensureDemoLogin(apiUrl: string, dataDir: string): Promise<DemoLogin> {
  const file = join(dataDir, 'demo-login.json');
  const saved = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string })
    : null;
  if (saved) {
    const ok = await logIn(apiUrl, saved.email, saved.password).then(
      () => true,
      () => false,
    );
    if (ok) return { ...saved, created: false };
  }
  const password = randomBytes(12).toString('base64url');
  const created = await signUp(apiUrl, { email: EMAIL, password, name: 'Demo User' }).then(
    () => true,
    (e: unknown) => {
      // 409: the user exists with another password (e.g. an external DATABASE_URL).
      if (e instanceof ApiError && e.reply.status === 409) return false;
      throw e;
    },
  );
  if (!created) return { email: EMAIL, password: null, created: false };
  writeFileSync(file, `${JSON.stringify({ email: EMAIL, password }, null, 2)}\n`, { mode: 0o600 });
  return { email: EMAIL, password, created: true };
}
