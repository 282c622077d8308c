/**
 * Tracing is off without an OTLP endpoint: nothing started, and the workflow sink and the span
 * helpers do nothing (the integration test `tracing` covers the exporting side).
 */
import { trace } from '@opentelemetry/api';
import { activeTraceId, startTracing, tracingRequested } from '../../src/observability/tracing';

test('tracing is requested only by an OTLP endpoint, and OTEL_SDK_DISABLED wins', () => {
  expect(tracingRequested({})).toBe(false);
  expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
  expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(
    true,
  );
  expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_SDK_DISABLED: 'true' })).toBe(
    false,
  );
});

test('without an endpoint nothing starts: no tracer provider, no trace id, a sink that drops spans', async () => {
  const tracing = startTracing('workorder-test', {});
  expect(tracing.enabled).toBe(false);
  const span = trace.getTracer('test').startSpan('nothing');
  expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
  span.end();
  expect(activeTraceId()).toBeUndefined();
  await expect(tracing.spanProcessor.forceFlush()).resolves.toBeUndefined();
  await expect(tracing.shutdown()).resolves.toBeUndefined();
});
