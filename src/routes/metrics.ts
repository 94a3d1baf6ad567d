import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type HttpMetrics, prefersOpenMetrics } from '../telemetry/metrics.ts';

const Exposition = Type.String({ description: 'Prometheus text, or OpenMetrics with exemplars when asked for' });

export const metricsRoutes: FastifyPluginCallbackTypebox<{ metrics: HttpMetrics }> = (app, { metrics }, done) => {
  app.get(
    '/metrics',
    {
      config: { telemetry: false },
      schema: {
        summary: 'Prometheus scrape endpoint',
        tags: ['operations'],
        response: {
          200: {
            content: {
              'text/plain': { schema: Exposition },
              'application/openmetrics-text': { schema: Exposition },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { body, contentType } = await metrics.render(prefersOpenMetrics(request.headers.accept));
      return reply.type(contentType).send(body);
    },
  );
  done();
};
