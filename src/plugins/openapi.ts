import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

interface OpenApiOptions {
  serviceName: string;
  version: string;
}

/**
 * The OpenAPI document, generated from the route schemas, at /docs/openapi.json, and the
 * Scalar reference at /docs. Scalar's script is served by this process and its default
 * fonts are off, so the page loads nothing from outside the machine.
 */
const openapi: FastifyPluginAsync<OpenApiOptions> = async (app, { serviceName, version }) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `${serviceName} API`,
        version,
        description: 'Demo endpoints for the observability stack: answer with any status, after an optional delay.',
      },
      // Relative to wherever the document is served (OpenAPI 3.1 §4.8.5): the listen address is known
      // only at run time, and behind a load balancer only to the client. Scalar resolves a server
      // starting with "/" against the page's origin, so its code samples carry the full address.
      servers: [{ url: '/', description: 'this service, where /docs was opened' }],
      tags: [
        { name: 'demo', description: 'Endpoints that generate traffic worth watching' },
        { name: 'operations', description: 'Health probes and metrics' },
      ],
    },
  });
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: {
      pageTitle: `${serviceName} API`,
      withDefaultFonts: false,
      // Scalar's hosted extras (developer toolbar, AI agent, MCP, "open in client", telemetry)
      // reach its servers; a local demo needs none of them.
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
      hideClientButton: true,
      telemetry: false,
    },
    logLevel: 'warn',
  });
};

export default fp(openapi, { name: 'openapi' });
