import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  test('defaults when nothing is set', () => {
    assert.deepEqual(loadConfig({}), {
      PORT: 8080,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      MAX_SLEEP_SECONDS: 60,
      DRAIN_DELAY_SECONDS: 0,
      SHUTDOWN_GRACE_SECONDS: 30,
      SERVICE_NAME: 'backend',
    });
  });

  test('reads and converts what is set; empty means default', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      MAX_SLEEP_SECONDS: '2.5',
      DRAIN_DELAY_SECONDS: '5',
      SHUTDOWN_GRACE_SECONDS: '',
      SERVICE_NAME: 'api-1',
    });
    assert.deepEqual(config, {
      PORT: 0,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      MAX_SLEEP_SECONDS: 2.5,
      DRAIN_DELAY_SECONDS: 5,
      SHUTDOWN_GRACE_SECONDS: 30,
      SERVICE_NAME: 'api-1',
    });
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['PORT', 'abc', /^PORT must be an integer from 0 to 65535 \(got "abc"\)$/],
    ['PORT', '80.5', /^PORT must be an integer/],
    ['PORT', '80.0', /^PORT must be an integer from 0 to 65535 \(got "80.0"\)$/],
    ['PORT', '8e1', /^PORT must be an integer/],
    ['PORT', '0x50', /^PORT must be an integer/],
    ['PORT', '65536', /^PORT must be an integer/],
    ['PORT', '-1', /^PORT must be an integer/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ['MAX_SLEEP_SECONDS', '0', /^MAX_SLEEP_SECONDS must be a number of seconds above 0/],
    ['MAX_SLEEP_SECONDS', 'Infinity', /^MAX_SLEEP_SECONDS must be/],
    ['MAX_SLEEP_SECONDS', '1e3', /^MAX_SLEEP_SECONDS must be/],
    ['SHUTDOWN_GRACE_SECONDS', 'soon', /^SHUTDOWN_GRACE_SECONDS must be a number of seconds from 0 to 3600/],
    ['SERVICE_NAME', 'my service', /^SERVICE_NAME must be 1 to 63 letters/],
  ];
  for (const [name, value, message] of invalid) {
    test(`rejects ${name}=${JSON.stringify(value)} with a one-line message naming it`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) =>
          error instanceof ConfigError && message.test(error.message) && !error.message.includes('\n'),
      );
    });
  }
});
