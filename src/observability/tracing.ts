/**
 * OpenTelemetry tracing, one trace from an HTTP request to the workflow it starts and that
 * workflow's activities (docs/operations.md, Tracing).
 *
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: then the
 * API and the worker each start the OpenTelemetry Node SDK with an OTLP/HTTP exporter and the HTTP
 * and pg instrumentations, before those modules load (`tracing-api.ts`, `tracing-worker.ts` are
 * their first imports). The standard OTEL_* variables (service name, batch delays, headers) apply.
 *
 * Temporal carries the context: the API's client interceptor puts it in the start request's
 * headers, the workflow interceptors (bundled into the workflow code) open the workflow's spans and
 * pass it on to the activities it schedules, and the activity interceptors open theirs. Workflow
 * spans leave the sandbox through a sink; with tracing off the sink drops them.
 *
 * Express's own instrumentation supports Express 4 only in the SDK 1.x line that Temporal's
 * interceptors build on, so the route handlers name the HTTP span themselves (`nameRequestSpan`).
 */
import { trace, type Span } from '@opentelemetry/api';
import type { InjectedSinks } from '@temporalio/worker';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';

/** The workflow interceptors module, bundled with the workflow code (scripts/build-workflow-bundle.ts). */
export const WORKFLOW_TRACING_MODULE =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export interface Tracing {
  readonly enabled: boolean;
  /** Where the workflow sink sends finished workflow spans (a no-op when tracing is off). */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

const NO_SPANS: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

let current: Tracing | undefined;

/** True when the environment asks for traces to be exported. */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) &&
    env.OTEL_SDK_DISABLED !== 'true'
  );
}

/**
 * Starts the SDK once per process when the environment asks for it; later calls return the same.
 * The SDK's modules load only then, so a process without tracing does not pay for them.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (current) return current;
  if (!tracingRequested(env)) {
    current = {
      enabled: false,
      spanProcessor: NO_SPANS,
      resource: new Resource({}),
      shutdown: () => Promise.resolve(),
    };
    return current;
  }
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { BatchSpanProcessor } =
    require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const sdk = new NodeSDK({
    resource,
    spanProcessors: [spanProcessor],
    instrumentations: [
      // Health probes and metrics scrapes would bury the traces that matter.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)\b/.test(req.url ?? ''),
      }),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  current = { enabled: true, spanProcessor, resource, shutdown: () => sdk.shutdown() };
  return current;
}

/** The tracing this process started (off if none was started). */
export function currentTracing(): Tracing {
  return current ?? startTracing('workorder-service', {});
}

/** The Temporal client's interceptors: the start and signal spans, and the context in the headers. */
export function clientTracingInterceptors(): { workflow: OpenTelemetryWorkflowClientInterceptor[] } {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/** The activities' spans, children of the workflow span that scheduled them. */
export const activityTracingInterceptors: ActivityInterceptorsFactory = (ctx) => ({
  inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
  outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
});

/** The sink through which the workflow interceptors export their spans. */
export function workflowTracingSinks(tracing: Tracing = currentTracing()): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
}

/** Puts the request id on the request's span, so a trace can be found from a log line or a client. */
export function annotateRequestSpan(requestId: string): void {
  trace.getActiveSpan()?.setAttribute('request.id', requestId);
}

/** Names the request's span by its route template (`POST /api/v2/workorders/create-from-template/`). */
export function nameRequestSpan(method: string, routePath: string): void {
  const span: Span | undefined = trace.getActiveSpan();
  span?.updateName(`${method.toUpperCase()} ${routePath}`);
  span?.setAttribute('http.route', routePath);
}

/** The active trace id, for log lines. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.traceId : undefined;
}
