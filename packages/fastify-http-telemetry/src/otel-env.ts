/**
 * The standard `OTEL_*` variables tracing reads, checked before the SDK sees them. The
 * OpenTelemetry specification asks an SDK to warn about a value it does not understand and to
 * ignore it; the JavaScript SDK's warnings go to its diagnostic logger, silent unless one is
 * installed, and an endpoint that is not a URL makes its exporter fall back to localhost:4318.
 * Here each bad value makes one line naming the variable, the value and what is used instead, and
 * is removed from the environment, so the SDK uses its default; a bad endpoint turns tracing off
 * rather than sending spans to an address nobody gave.
 */

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const DEFAULT_SAMPLER = 'parentbased_always_on';
const RATIO_SAMPLERS = new Set(['traceidratio', 'parentbased_traceidratio']);
const DEFAULT_RATIO = 1;
/** The propagators the SDK provides by name (`none` turns propagation off). */
const PROPAGATORS = new Set(['tracecontext', 'baggage', 'b3', 'b3multi', 'none']);
/** The only protocol the exporter speaks: OTLP over HTTP, as JSON. */
const PROTOCOL = 'http/json';
const EXPORTER = 'otlp';
/** The specification's "no automatically configured exporter": nothing to export to, so tracing stays off. */
const NO_EXPORTER = 'none';
const OTLP_TIMEOUT_MS = 10_000;

/** Whole numbers of milliseconds or items, with the SDK's defaults and the least it accepts. */
const WHOLE_NUMBERS: ReadonlyArray<{ name: string; fallback: string; least: number }> = [
  { name: 'OTEL_BSP_SCHEDULE_DELAY', fallback: '5000', least: 0 },
  { name: 'OTEL_BSP_EXPORT_TIMEOUT', fallback: '30000', least: 1 },
  { name: 'OTEL_BSP_MAX_QUEUE_SIZE', fallback: '2048', least: 1 },
  { name: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', fallback: '512', least: 1 },
  { name: 'OTEL_EXPORTER_OTLP_TIMEOUT', fallback: `${OTLP_TIMEOUT_MS}`, least: 1 },
  { name: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', fallback: 'the value of OTEL_EXPORTER_OTLP_TIMEOUT', least: 1 },
];
const DIGITS = /^\d+$/;

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** A set variable's trimmed value; unset and blank are the same (the specification says so). */
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** An OTLP endpoint for spans is set: the general one, or the one for traces alone. */
export function tracingEndpointSet(env: NodeJS.ProcessEnv): boolean {
  return (
    setting(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined ||
    setting(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== undefined
  );
}

/** Spans are to be exported: an endpoint is set and `OTEL_TRACES_EXPORTER` is not `none`. */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  return tracingEndpointSet(env) && setting(env, 'OTEL_TRACES_EXPORTER') !== NO_EXPORTER;
}

/**
 * Checks the tracing variables of `env`, removes the values the SDK would not understand (or
 * replaces a list by its understood part), and returns one line for each: the variable, the value
 * and what is used instead. Only the endpoint is checked while tracing is off.
 */
export function checkTracingEnv(env: NodeJS.ProcessEnv): string[] {
  const warnings: string[] = [];
  const ignore = (name: string, problem: string, instead: string, replacement?: string) => {
    warnings.push(`${name}=${JSON.stringify(env[name])} ${problem}: ${instead}`);
    if (replacement === undefined) delete env[name];
    else env[name] = replacement;
  };

  // Either endpoint turns tracing on; a bad one is dropped, and the other is used if it is good.
  const endpoint = setting(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const tracesEndpoint = setting(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const goodTracesEndpoint = tracesEndpoint !== undefined && isHttpUrl(tracesEndpoint);
  if (endpoint !== undefined && !isHttpUrl(endpoint)) {
    ignore(
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'is not an http:// or https:// URL',
      goodTracesEndpoint ? 'spans go to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT alone' : 'tracing stays off',
    );
  }
  if (tracesEndpoint !== undefined && !goodTracesEndpoint) {
    ignore(
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'is not an http:// or https:// URL',
      setting(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') === undefined
        ? 'tracing stays off'
        : 'using OTEL_EXPORTER_OTLP_ENDPOINT plus /v1/traces',
    );
  }
  if (!tracingEndpointSet(env)) return warnings;

  const disabled = setting(env, 'OTEL_SDK_DISABLED')?.toLowerCase();
  if (disabled !== undefined && disabled !== 'true' && disabled !== 'false') {
    ignore('OTEL_SDK_DISABLED', 'is neither true nor false', 'read as false, tracing on');
  }
  for (const name of ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']) {
    const protocol = setting(env, name);
    if (protocol !== undefined && protocol !== PROTOCOL) {
      ignore(name, `is not ${PROTOCOL}, the only protocol this exporter speaks`, `using ${PROTOCOL}`);
    }
  }
  const exporter = setting(env, 'OTEL_TRACES_EXPORTER');
  if (exporter !== undefined && exporter !== EXPORTER && exporter !== NO_EXPORTER) {
    ignore('OTEL_TRACES_EXPORTER', `is not ${EXPORTER}, the only exporter here`, `using ${EXPORTER}`);
  }

  const sampler = setting(env, 'OTEL_TRACES_SAMPLER');
  if (sampler !== undefined && !SAMPLERS.includes(sampler)) {
    ignore('OTEL_TRACES_SAMPLER', `is not one of ${SAMPLERS.join(', ')}`, `using ${DEFAULT_SAMPLER}`);
  }
  const ratio = setting(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (ratio !== undefined && RATIO_SAMPLERS.has(setting(env, 'OTEL_TRACES_SAMPLER') ?? '')) {
    const number = Number(ratio);
    if (!(number >= 0 && number <= 1)) {
      ignore('OTEL_TRACES_SAMPLER_ARG', 'is not a ratio from 0 to 1', `using ${DEFAULT_RATIO}`);
    }
  }

  for (const { name, fallback, least } of WHOLE_NUMBERS) {
    const value = setting(env, name);
    if (value !== undefined && !(DIGITS.test(value) && Number(value) >= least)) {
      ignore(name, `is not a whole number from ${least}`, `using ${fallback}`);
    }
  }

  const propagators = setting(env, 'OTEL_PROPAGATORS')
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = propagators?.filter((name) => !PROPAGATORS.has(name)) ?? [];
  if (propagators !== undefined && unknown.length > 0) {
    const known = propagators.filter((name) => PROPAGATORS.has(name));
    const problem = `names propagators the SDK does not have (${unknown.join(', ')})`;
    if (known.length === 0) ignore('OTEL_PROPAGATORS', problem, 'using the default, tracecontext,baggage');
    else ignore('OTEL_PROPAGATORS', problem, `using ${known.join(',')}`, known.join(','));
  }
  return warnings;
}
