/**
 * The catch-all filter (framework errors, unknown routes, bugs) and the factory each bounded
 * context uses for its own exception filter. Every error leaves as problem+json; the process
 * keeps serving.
 */
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
  type Type,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProblemError, sendProblem } from './problem.js';

function respond(host: ArgumentsHost, problem: ProblemError): void {
  const http = host.switchToHttp();
  const req = http.getRequest<Request>();
  sendProblem(http.getResponse<Response>(), problem, req.originalUrl?.split('?')[0]);
}

/** One filter class per context: `@UseFilters(contextFilter(ClustersError))`. */
export function contextFilter(errorClass: Type<ProblemError>): Type<ExceptionFilter> {
  @Catch(errorClass)
  class ContextFilter implements ExceptionFilter {
    catch(error: ProblemError, host: ArgumentsHost): void {
      respond(host, error);
    }
  }
  Object.defineProperty(ContextFilter, 'name', { value: `${errorClass.name}Filter` });
  return ContextFilter;
}

@Catch()
export class FallbackProblemFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    if (error instanceof ProblemError) return respond(host, error);
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code =
        status === 404 ? 'not-found' : status === 405 ? 'method-not-allowed' : 'http-error';
      const detail = status === 404 ? 'no such route' : error.message;
      return respond(
        host,
        new ProblemError(status, code, error.name.replace(/Exception$/, ''), detail),
      );
    }
    this.log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    respond(
      host,
      new ProblemError(
        500,
        'internal',
        'Internal Server Error',
        'the server failed to handle the request',
      ),
    );
  }
}
