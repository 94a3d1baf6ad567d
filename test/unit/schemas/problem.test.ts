import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeJsonMarkup } from '../../../src/schemas/problem.ts';

describe('escapeJsonMarkup', () => {
  for (const value of ['plain', '<script>', 'a & b > c', '\u003c already escaped', { nested: ['<', '>', '&'] }]) {
    test(`${JSON.stringify(value)}: no markup characters, same value`, () => {
      const escaped = escapeJsonMarkup(JSON.stringify(value));
      assert.doesNotMatch(escaped, /[<>&]/);
      assert.deepEqual(JSON.parse(escaped), value);
    });
  }
});
