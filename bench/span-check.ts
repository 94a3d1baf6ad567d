import type { Contender } from './contenders.ts';

export class TracingCheckError extends Error {
  override name = 'TracingCheckError';
}

/**
 * Stops the run when a traced process's spans did not reach the sink: a contender whose tracing
 * silently recorded or exported nothing would only look fast.
 */
export function checkSpans(contender: Pick<Contender, 'id' | 'tracing'>, requests: number, spans: number): void {
  const minimum = contender.tracing?.minSpansPerRequest ?? 0;
  if (spans < minimum * requests) {
    throw new TracingCheckError(
      `${contender.id}: the OTLP sink received ${spans} spans for ${requests} requests, fewer than ` +
        `${minimum} a request: its tracing is not recording or not exporting, so its figures would mean nothing`,
    );
  }
}
