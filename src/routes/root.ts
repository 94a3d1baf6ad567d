import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const RootResponse = Type.Object({
  service: Type.String(),
  docs: Type.String(),
  openapi: Type.String(),
  metrics: Type.String(),
});

export const rootRoutes: FastifyPluginCallbackTypebox<{ serviceName: string }> = (app, { serviceName }, done) => {
  const body = { service: serviceName, docs: '/docs', openapi: '/docs/openapi.json', metrics: '/metrics' };
  app.get(
    '/',
    {
      schema: {
        summary: 'Service name and where to look next',
        tags: ['demo'],
        response: { 200: RootResponse },
      },
    },
    async () => body,
  );
  done();
};
