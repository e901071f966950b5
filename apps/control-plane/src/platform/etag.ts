/** Optimistic concurrency: ETag = the row's version; If-Match must name the current one. */
import type { Request, Response } from 'express';
import { problems } from './problem.js';

export const etagOf = (version: number): string => `"${version}"`;

export function setEtag(res: Response, version: number): void {
  res.setHeader('etag', etagOf(version));
}

/** The version If-Match asks for (undefined without the header); `*` matches any. */
export function ifMatchVersion(req: Request): number | undefined {
  const h = req.headers['if-match'];
  if (h === undefined || h.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(h);
  if (!m) throw problems.preconditionFailed(`If-Match must be an ETag from this API, got ${h}`);
  return Number(m[1]);
}

export function checkIfMatch(req: Request, currentVersion: number): void {
  checkVersion(ifMatchVersion(req), currentVersion);
}

/** 412 when the version a command expects (from If-Match) is not the current one. */
export function checkVersion(wanted: number | undefined, currentVersion: number): void {
  if (wanted !== undefined && wanted !== currentVersion) {
    throw problems.preconditionFailed(
      `the resource changed: current ETag is ${etagOf(currentVersion)}`,
    );
  }
}
