import type { LevelWithSilent } from 'pino';
import { type Static, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies LevelWithSilent[];

/**
 * Every setting the service reads from the environment, validated once at start-up.
 * Each `description` completes the sentence "NAME must be …" in start-up errors.
 */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'an integer from 0 to 65535' }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'a host name or IP address to listen on' }),
  LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info', description: `one of ${LOG_LEVELS.join(', ')}` }),
  MAX_SLEEP_SECONDS: Type.Number({
    exclusiveMinimum: 0,
    maximum: 3600,
    default: 60,
    description: 'a number of seconds above 0, at most 3600',
  }),
  DRAIN_DELAY_SECONDS: Type.Number({
    minimum: 0,
    maximum: 3600,
    default: 0,
    description: 'a number of seconds from 0 to 3600',
  }),
  SHUTDOWN_GRACE_SECONDS: Type.Number({
    minimum: 0,
    maximum: 3600,
    default: 30,
    description: 'a number of seconds from 0 to 3600',
  }),
  SERVICE_NAME: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$',
    default: 'backend',
    description: '1 to 63 letters, digits, dots, dashes or underscores',
  }),
});

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Strict on purpose: "80.5" and "80.0" are not ports, and "0x50" is not a number anyone meant.
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The number a variable spells, or the string as it came (which then fails validation, named). */
function fromEnvString(schema: TSchema, raw: string): unknown {
  const type = (schema as { type?: unknown }).type;
  if ((type === 'integer' ? INTEGER : type === 'number' ? DECIMAL : undefined)?.test(raw)) return Number(raw);
  return raw;
}

/** Reads the settings from `env` (unset or empty means default); throws a one-line ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const candidate: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(ConfigSchema.properties)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') candidate[name] = fromEnvString(schema, raw);
  }
  const config = Value.Default(ConfigSchema, candidate);
  const firstError = Value.Errors(ConfigSchema, config)[0];
  if (firstError === undefined) return config as Config;

  const name = firstError.instancePath.slice(1);
  const { description } = ConfigSchema.properties[name as keyof Config] as unknown as { description: string };
  throw new ConfigError(`${name} must be ${description} (got ${JSON.stringify(env[name])})`);
}
