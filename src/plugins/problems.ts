import type { FastifyError, FastifyPluginCallback, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { urlPath } from 'fastify-http-telemetry';
import fp from 'fastify-plugin';
import { PROBLEM_CONTENT_TYPE, type Problem, problem, serializeProblem } from '../schemas/problem.ts';
import { unboundedBody } from '../server-limits.ts';

const BAD_REQUEST = 400;
const NOT_FOUND = 404;
const INTERNAL_SERVER_ERROR = 500;

type ParameterContext = 'params' | 'querystring' | 'headers' | 'body';

/** Where a Fastify validation context lives, in OpenAPI terms. */
const PARAMETER_LOCATION: Record<ParameterContext, string> = {
  params: 'path',
  querystring: 'query',
  headers: 'header',
  body: 'body',
};

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).serializer(serializeProblem).send(body);
}

export function pathOf(request: FastifyRequest): string {
  return urlPath(request.url);
}

/**
 * A 400 naming the parameter and what it accepts, worded from the route schema's own
 * `description`: "status_code must be an integer from 200 to 599".
 */
export function invalidParameter(request: FastifyRequest, context: ParameterContext, name: string): Problem {
  const schema = request.routeOptions.schema?.[context as keyof FastifySchema] as
    | { properties?: Record<string, { description?: string }> }
    | undefined;
  const description = schema?.properties?.[name]?.description ?? 'valid';
  const detail = `${name} must be ${description}`;
  return problem(BAD_REQUEST, detail, pathOf(request), [{ in: PARAMETER_LOCATION[context], name, detail }]);
}

function validationProblem(request: FastifyRequest, error: FastifyError): Problem {
  const context = (error.validationContext ?? 'querystring') as ParameterContext;
  const [first] = error.validation ?? [];
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
  const name = missing ?? first?.instancePath.split('/')[1] ?? context;
  return invalidParameter(request, context, name);
}

/**
 * For errors Fastify raises before routing (a URL that cannot be decoded); telemetry logs them.
 * These skip the request guards: a body of unbounded size is not read here either.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? BAD_REQUEST;
  if (unboundedBody(request.headers)) reply.header('connection', 'close');
  sendProblem(reply, problem(status, 'The request URL could not be decoded', pathOf(request)));
}

/** Every error, including unknown routes and bad input, answers as RFC 9457 problem+json. */
const problems: FastifyPluginCallback = (app, _options, done) => {
  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, problem(NOT_FOUND, `No route for ${request.method} ${pathOf(request)}`, pathOf(request)));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) return sendProblem(reply, validationProblem(request, error));
    const status = error.statusCode ?? INTERNAL_SERVER_ERROR;
    if (status >= BAD_REQUEST && status < INTERNAL_SERVER_ERROR) {
      return sendProblem(reply, problem(status, error.message, pathOf(request)));
    }
    // Unexpected: the telemetry plugin logs it on the access line; the client learns nothing internal.
    return sendProblem(
      reply,
      problem(INTERNAL_SERVER_ERROR, 'The server failed to handle the request', pathOf(request)),
    );
  });

  done();
};

export default fp(problems, { name: 'problems' });
