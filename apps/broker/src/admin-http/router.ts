/**
 * A small method + path router for the admin endpoint. Patterns use `:name` segments;
 * handlers receive decoded path params and the parsed JSON body (undefined when empty).
 */
import { notFound, problem } from './problem.js';

export interface AdminRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface AdminResponse {
  status: number;
  body?: unknown;
}

export type RouteHandler = (req: AdminRequest) => AdminResponse | Promise<AdminResponse>;

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** The handler and params for a request, or a 404/405 problem. */
  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { handler: route.handler, params };
    }
    if (pathMatched)
      throw problem(
        405,
        'method-not-allowed',
        'Method Not Allowed',
        `${method} is not allowed on ${path}`,
      );
    throw notFound(`No route for ${path}`);
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) {
      try {
        params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
      } catch {
        return null;
      }
    } else if (pattern[i] !== parts[i]) {
      return null;
    }
  }
  return params;
}
