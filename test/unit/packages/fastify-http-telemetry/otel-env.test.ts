import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkTracingEnv } from 'fastify-http-telemetry';

const ENDPOINT = 'http://127.0.0.1:4318';

describe('OTEL_* values the SDK would not understand: one line each, and ignored', () => {
  const cases: Array<{
    env: Record<string, string>;
    line?: string;
    /** The variables after the check: `undefined` when removed. */
    after: Record<string, string | undefined>;
  }> = [
    {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      line: 'OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318" is not an http:// or https:// URL: tracing stays off',
      after: { OTEL_EXPORTER_OTLP_ENDPOINT: undefined },
    },
    {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url', OTEL_TRACES_SAMPLER: 'sometimes' },
      line: 'OTEL_EXPORTER_OTLP_ENDPOINT="not a url" is not an http:// or https:// URL: tracing stays off',
      // Tracing is off: the rest is not read, so not judged.
      after: { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_TRACES_SAMPLER: 'sometimes' },
    },
    {
      env: { OTEL_TRACES_SAMPLER: 'sometimes' },
      line: 'OTEL_TRACES_SAMPLER="sometimes" is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio: using parentbased_always_on',
      after: { OTEL_TRACES_SAMPLER: undefined },
    },
    {
      env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' },
      line: 'OTEL_TRACES_SAMPLER_ARG="2" is not a ratio from 0 to 1: using 1',
      after: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: undefined },
    },
    {
      env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'tempo/v1/traces' },
      line: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="tempo/v1/traces" is not an http:// or https:// URL: using OTEL_EXPORTER_OTLP_ENDPOINT plus /v1/traces',
      after: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined },
    },
    {
      env: { OTEL_BSP_SCHEDULE_DELAY: '5s' },
      line: 'OTEL_BSP_SCHEDULE_DELAY="5s" is not a whole number from 0: using 5000',
      after: { OTEL_BSP_SCHEDULE_DELAY: undefined },
    },
    {
      env: { OTEL_EXPORTER_OTLP_TIMEOUT: '0' },
      line: 'OTEL_EXPORTER_OTLP_TIMEOUT="0" is not a whole number from 1: using 10000',
      after: { OTEL_EXPORTER_OTLP_TIMEOUT: undefined },
    },
    {
      env: { OTEL_SDK_DISABLED: 'yes' },
      line: 'OTEL_SDK_DISABLED="yes" is neither true nor false: read as false, tracing on',
      after: { OTEL_SDK_DISABLED: undefined },
    },
    {
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      line: 'OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not http/json, the only protocol this exporter speaks: using http/json',
      after: { OTEL_EXPORTER_OTLP_PROTOCOL: undefined },
    },
    {
      env: { OTEL_TRACES_EXPORTER: 'console' },
      line: 'OTEL_TRACES_EXPORTER="console" is not otlp, the only exporter here: using otlp',
      after: { OTEL_TRACES_EXPORTER: undefined },
    },
    {
      env: { OTEL_PROPAGATORS: 'tracecontex' },
      line: 'OTEL_PROPAGATORS="tracecontex" names propagators the SDK does not have (tracecontex): using the default, tracecontext,baggage',
      after: { OTEL_PROPAGATORS: undefined },
    },
    {
      env: { OTEL_PROPAGATORS: 'tracecontext, xray' },
      line: 'OTEL_PROPAGATORS="tracecontext, xray" names propagators the SDK does not have (xray): using tracecontext',
      after: { OTEL_PROPAGATORS: 'tracecontext' },
    },
    // The 3.x SDK has no Jaeger propagator any more.
    {
      env: { OTEL_PROPAGATORS: 'jaeger,b3' },
      line: 'OTEL_PROPAGATORS="jaeger,b3" names propagators the SDK does not have (jaeger): using b3',
      after: { OTEL_PROPAGATORS: 'b3' },
    },
    // The traces-only endpoint turns tracing on by itself; a bad one leaves it off.
    {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'tempo/v1/traces' },
      line: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="tempo/v1/traces" is not an http:// or https:// URL: tracing stays off',
      after: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined },
    },
    {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces',
        OTEL_TRACES_SAMPLER: 'sometimes',
      },
      line: 'OTEL_TRACES_SAMPLER="sometimes" is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio: using parentbased_always_on',
      after: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces', OTEL_TRACES_SAMPLER: undefined },
    },
    {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces',
      },
      line: 'OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318" is not an http:// or https:// URL: spans go to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT alone',
      after: {
        OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces',
      },
    },
    // Understood values: no line, nothing changed.
    {
      env: {
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
        OTEL_BSP_SCHEDULE_DELAY: '0',
        OTEL_SDK_DISABLED: 'FALSE',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_PROPAGATORS: 'tracecontext,baggage,b3',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://tempo.example/v1/traces',
      },
      after: { OTEL_TRACES_SAMPLER_ARG: '0.1', OTEL_PROPAGATORS: 'tracecontext,baggage,b3' },
    },
    // `none` is understood: tracing off (tracingEnabled), not a value to replace.
    { env: { OTEL_TRACES_EXPORTER: 'none' }, after: { OTEL_TRACES_EXPORTER: 'none' } },
    // A ratio for a sampler that takes none is not read, so not judged.
    {
      env: { OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'x' },
      after: { OTEL_TRACES_SAMPLER_ARG: 'x' },
    },
  ];
  for (const { env, line, after } of cases) {
    test(`${JSON.stringify(env)}: ${line ?? 'no line'}`, () => {
      const checked: NodeJS.ProcessEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, ...env };
      assert.deepEqual(checkTracingEnv(checked), line === undefined ? [] : [line]);
      for (const [name, value] of Object.entries(after)) assert.equal(checked[name], value, name);
    });
  }

  test('tracing off (no endpoint): nothing else is judged', () => {
    assert.deepEqual(checkTracingEnv({ OTEL_TRACES_SAMPLER: 'sometimes' }), []);
  });
});
