/**
 * Cursor pagination (`page_size`, `page_token`): lists are ordered by id and the token is
 * the last id returned, opaque to clients (base64url JSON).
 */
import { z } from 'zod';
import { problems } from './problem.js';

export const pageQuery = {
  page_size: z.coerce.number().int('must be an integer').min(1).max(100).default(20),
  page_token: z.string().max(200).optional(),
};

export interface Page<T> {
  data: T[];
  metadata: { next_page_token: string | null };
}

export function decodePageToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof v.after === 'string') return v.after;
  } catch {
    /* fall through */
  }
  throw problems.validation([
    { pointer: '#query/page_token', detail: 'not a page token from this API' },
  ]);
}

/** `rows` was fetched with take: pageSize + 1. */
export function toPage<R extends { id: string }, T>(
  rows: R[],
  pageSize: number,
  map: (r: R) => T,
): Page<T> {
  const more = rows.length > pageSize;
  const shown = more ? rows.slice(0, pageSize) : rows;
  const last = shown.at(-1);
  return {
    data: shown.map(map),
    metadata: {
      next_page_token:
        more && last ? Buffer.from(JSON.stringify({ after: last.id })).toString('base64url') : null,
    },
  };
}

/** One page asked for: its size and the id it starts after (a decoded page token). */
export interface PageRequest {
  size: number;
  after: string | undefined;
}

/** Decodes the page token (400 when it is not one of ours). */
export function pageRequest(q: { page_size: number; page_token?: string }): PageRequest {
  return { size: q.page_size, after: decodePageToken(q.page_token) };
}

/** Prisma arguments for one page (repositories fetch size + 1 rows; see toPage). */
export function pageArgs(page: PageRequest) {
  return {
    take: page.size + 1,
    orderBy: { id: 'asc' as const },
    ...(page.after ? { cursor: { id: page.after }, skip: 1 } : {}),
  };
}
