/** RFC 9457 problem details: the one error shape of the admin endpoint. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Field-level validation errors. */
  errors?: Array<{ field: string; message: string }>;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

const TYPE_BASE = 'https://tributary.dev/problems/';

export function problem(
  status: number,
  slug: string,
  title: string,
  detail?: string,
  errors?: Problem['errors'],
): ProblemError {
  return new ProblemError({
    type: TYPE_BASE + slug,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(errors ? { errors } : {}),
  });
}

export const notFound = (detail: string): ProblemError =>
  problem(404, 'not-found', 'Not Found', detail);
export const badRequest = (detail: string, errors?: Problem['errors']): ProblemError =>
  problem(400, 'bad-request', 'Bad Request', detail, errors);
