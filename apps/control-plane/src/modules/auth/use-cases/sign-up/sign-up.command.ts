/** Sign up: a user, their own organization (they are its OrgAdmin) and a session. */
import { z } from 'zod';
import { validated } from '../../../../platform/command.js';
import { displayName, emailAddress } from '../../../../platform/validation.js';

export const password = z.string().min(12, 'must be at least 12 characters').max(200);
export const signUpBody = z.strictObject({
  email: emailAddress,
  password,
  name: displayName,
  organization_name: displayName.optional(),
});

export class SignUpCommand {
  private constructor(
    readonly email: string,
    readonly password: string,
    readonly name: string,
    readonly organizationName: string,
    readonly from: { ip: string | undefined; userAgent: string | undefined },
  ) {}

  static create(input: unknown, from: SignUpCommand['from']): SignUpCommand {
    const b = validated(signUpBody, input);
    const org = b.organization_name ?? `${b.name}'s organization`;
    return new SignUpCommand(b.email, b.password, b.name, org, from);
  }
}
