/** Request bodies of the auth routes. */
import { z } from 'zod';
import { displayName, emailAddress as email } from '../../platform/validation.js';
export const password = z.string().min(12, 'must be at least 12 characters').max(200);

export const signUpBody = z.strictObject({
  email,
  password,
  name: displayName,
  organization_name: displayName.optional(),
});
export const loginBody = z.strictObject({ email, password: z.string().min(1).max(200) });
export const createCloudApiKeyBody = z.strictObject({
  description: z.string().max(200).default(''),
  /** Omitted: a key of the calling user. */
  service_account_id: z
    .string()
    .regex(/^sa-[a-z0-9]+$/, 'must be a sa- id')
    .optional(),
});
