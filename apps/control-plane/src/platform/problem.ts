/**
 * RFC 9457 problem details: the one error shape of the REST API. Each bounded context has
 * its own exception class (a subclass of ProblemError) and filter; all of them end here.
 */
import type { Response } from 'express';

export interface FieldProblem {
  /** JSON pointer into the request (`/name`, `/configs/retention.ms`) or `#query/page_size`. */
  pointer: string;
  detail: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://tributary.dev/problems/';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldProblem[],
    readonly headers: Record<string, string> = {},
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  body(instance?: string): ProblemBody {
    return {
      type: `${PROBLEM_TYPE_BASE}${this.code}`,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

/** Errors every context may raise (authentication, validation, concurrency, ...). */
export const problems = {
  unauthenticated: (
    detail = 'authentication required: a session cookie or an API key (Authorization: Bearer)',
  ) =>
    new ProblemError(401, 'unauthenticated', 'Unauthenticated', detail, undefined, {
      'www-authenticate': 'Bearer realm="tributary"',
    }),
  forbidden: (detail: string) => new ProblemError(403, 'forbidden', 'Forbidden', detail),
  notFound: (what: string) => new ProblemError(404, 'not-found', 'Not Found', `${what} not found`),
  validation: (errors: FieldProblem[], detail = 'the request is not valid') =>
    new ProblemError(400, 'validation', 'Invalid request', detail, errors),
  badRequest: (detail: string) => new ProblemError(400, 'bad-request', 'Bad Request', detail),
  conflict: (detail: string, errors?: FieldProblem[]) =>
    new ProblemError(409, 'conflict', 'Conflict', detail, errors),
  preconditionFailed: (detail: string) =>
    new ProblemError(412, 'precondition-failed', 'Precondition Failed', detail),
  unprocessable: (code: string, detail: string, errors?: FieldProblem[]) =>
    new ProblemError(422, code, 'Unprocessable Content', detail, errors),
  tooManyRequests: (retryAfterSeconds: number) =>
    new ProblemError(
      429,
      'rate-limited',
      'Too Many Requests',
      `rate limit exceeded; retry after ${retryAfterSeconds} s`,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
};

export function sendProblem(res: Response, problem: ProblemError, instance?: string): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(problem.body(instance)));
}
