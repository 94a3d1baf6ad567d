/**
 * Issue 18's cost targets: on every route, a contender's requests a second over another's, in the
 * same round, at least `atLeast`. The report prints each beside what the run measured.
 */
export const TARGETS = [
  { contender: 'service', against: 'fastify-logger-metrics', atLeast: 1.5 },
  { contender: 'service', against: 'fastify-metrics', atLeast: 1 },
  { contender: 'service-tracing', against: 'fastify-otel', atLeast: 2 },
] as const;
