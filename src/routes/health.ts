import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { pathOf, sendProblem } from '../plugins/problems.ts';
import { ProblemResponse, problem } from '../schemas/problem.ts';

const SERVICE_UNAVAILABLE = 503;
const HealthBody = Type.Object({ status: Type.String() });

/** Liveness and readiness. Readiness turns 503 as soon as shutdown begins, so traffic drains away. */
export const healthRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const probe = { telemetry: false, logLevel: 'warn' } as const;
  app.get(
    '/healthz',
    {
      config: probe,
      schema: { summary: 'Liveness: the process is up', tags: ['operations'], response: { 200: HealthBody } },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: probe,
      schema: {
        summary: 'Readiness: 503 while the service drains before shutdown',
        tags: ['operations'],
        response: { 200: HealthBody, 503: ProblemResponse },
      },
    },
    async (request, reply) => {
      if (app.isDraining()) return sendProblem(reply, problem(SERVICE_UNAVAILABLE, 'Shutting down', pathOf(request)));
      return { status: 'ready' };
    },
  );
  done();
};
