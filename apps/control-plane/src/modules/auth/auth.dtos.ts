/** The login body (sign-up and cloud API key bodies live with their commands). */
import { z } from 'zod';
import { emailAddress } from '../../platform/validation.js';

export const loginBody = z.strictObject({
  email: emailAddress,
  password: z.string().min(1).max(200),
});
