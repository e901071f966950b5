/**
 * JSON request bodies (Nest's own body parser is off): malformed JSON, a non-JSON content
 * type and bodies over 1 MiB get a precise problem instead of the framework's default page.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { ProblemError, sendProblem } from './problem.js';

const parse = express.json({ limit: '1mb', strict: false, type: () => true });

export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.method === 'GET' || req.method === 'HEAD') return next();
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    return sendProblem(
      res,
      new ProblemError(
        415,
        'unsupported-media-type',
        'Unsupported Media Type',
        'request bodies must be application/json',
      ),
    );
  }
  parse(req, res, (err?: unknown) => {
    if (!err) return next();
    const e = err as { type?: string; message?: string; status?: number };
    if (e.type === 'entity.too.large') {
      return sendProblem(
        res,
        new ProblemError(413, 'body-too-large', 'Content Too Large', 'the body exceeds 1 MiB'),
      );
    }
    sendProblem(
      res,
      new ProblemError(
        400,
        'malformed-json',
        'Malformed JSON',
        `the body is not valid JSON: ${e.message ?? 'parse error'}`,
      ),
    );
  });
}
