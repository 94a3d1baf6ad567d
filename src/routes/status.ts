import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { trace } from '@opentelemetry/api';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import packageJson from '../../package.json' with { type: 'json' };
import { invalidParameter, pathOf, sendProblem } from '../plugins/problems.ts';
import { ProblemResponse, problem } from '../schemas/problem.ts';

const MS_PER_SECOND = 1000;
/** The service's own spans (the sleep); a no-op until an SDK registers a provider. */
const tracer = trace.getTracer(packageJson.name, packageJson.version);
const FIRST_ERROR_STATUS = 400;
/** Statuses whose responses carry no content (RFC 9110). */
const BODYLESS = new Set([204, 205, 304]);
/** Redirects, whose answer means little without somewhere to go (RFC 9110 §15.4): the service's root. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const REDIRECT_LOCATION = '/';

const StatusBody = Type.Object({
  status_code: Type.Integer(),
  reason: Type.String(),
});

/**
 * A string of three digits from 200 to 599, checked before any number is made of it:
 * Ajv's coercion would otherwise read "2e2" or "200.0" as 200.
 */
const StatusParams = Type.Object({
  status_code: Type.String({
    pattern: '^[2-5][0-9]{2}$',
    description: 'an integer from 200 to 599',
    examples: ['200', '404', '500'],
  }),
});

export const statusRoutes: FastifyPluginCallbackTypebox<{ maxSleepSeconds: number }> = (
  app,
  { maxSleepSeconds },
  done,
) => {
  // A plain decimal, for the same reason as the status code: Ajv coerces "Infinity", "1e309"
  // and "0x10" to numbers, and lets Infinity through `maximum`. The bound is checked below.
  const Query = Type.Object({
    seconds_sleep: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,9}(\\.[0-9]{1,9})?$',
        description: `a number of seconds from 0 to ${maxSleepSeconds}, fractions allowed`,
        examples: ['1', '0.25'],
      }),
    ),
  });

  app.get(
    '/status/:status_code',
    {
      schema: {
        summary: 'Answer with the requested status, optionally after a delay',
        description:
          '2xx and 3xx answer with a small JSON body (none for 204, 205 and 304); 4xx and 5xx with problem+json. ' +
          'Redirects (301, 302, 303, 307, 308) point `Location` at `/`. ' +
          'The delay ends early if the client disconnects.',
        tags: ['demo'],
        params: StatusParams,
        querystring: Query,
        response: { '2xx': StatusBody, '3xx': StatusBody, '4xx': ProblemResponse, '5xx': ProblemResponse },
      },
    },
    async (request, reply) => {
      const statusCode = Number(request.params.status_code);
      const seconds = Number(request.query.seconds_sleep ?? 0);
      if (seconds > maxSleepSeconds)
        return sendProblem(reply, invalidParameter(request, 'querystring', 'seconds_sleep'));
      if (seconds > 0) {
        // Its own span, so a trace shows where a slow answer spent its time.
        await tracer.startActiveSpan('sleep', { attributes: { 'sleep.seconds': seconds } }, async (span) => {
          try {
            await sleep(seconds * MS_PER_SECOND, undefined, { signal: request.signal });
          } catch {
            // The client went away; the answer below reaches no one but still closes the books.
            span.setAttribute('sleep.interrupted', true);
          } finally {
            span.end();
          }
        });
      }
      if (statusCode >= FIRST_ERROR_STATUS) {
        return sendProblem(reply, problem(statusCode, `Status ${statusCode} was requested`, pathOf(request)));
      }
      reply.code(statusCode);
      if (REDIRECTS.has(statusCode)) reply.header('location', REDIRECT_LOCATION);
      // The typed reply insists on a body; bodyless statuses go through the untyped one.
      if (BODYLESS.has(statusCode)) return (reply as FastifyReply).send();
      return { status_code: statusCode, reason: STATUS_CODES[statusCode] ?? `Status ${statusCode}` };
    },
  );
  done();
};
