import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSpans, TracingCheckError } from '../../../bench/span-check.ts';

const ALL_SAMPLED = { id: 'traced', tracing: { sampling: '100%', minSpansPerRequest: 1 } };
const TENTH = { id: 'ratio', tracing: { sampling: '10%', minSpansPerRequest: 0.05 } };

for (const { contender, requests, spans, stops } of [
  { contender: ALL_SAMPLED, requests: 1000, spans: 0, stops: true },
  { contender: ALL_SAMPLED, requests: 1000, spans: 999, stops: true },
  { contender: ALL_SAMPLED, requests: 1000, spans: 3000, stops: false },
  { contender: TENTH, requests: 1000, spans: 10, stops: true },
  { contender: TENTH, requests: 1000, spans: 300, stops: false },
  { contender: { id: 'untraced' }, requests: 1000, spans: 0, stops: false },
]) {
  test(`${contender.id}: ${spans} spans for ${requests} requests ${stops ? 'stop' : 'pass'}`, () => {
    const check = () => checkSpans(contender, requests, spans);
    if (!stops) return check();
    assert.throws(check, (error: Error) => {
      assert.ok(error instanceof TracingCheckError);
      assert.match(
        error.message,
        new RegExp(`^${contender.id}: the OTLP sink received ${spans} spans for ${requests}`),
      );
      return true;
    });
  });
}
