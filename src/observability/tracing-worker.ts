/**
 * The worker's first import: starts tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) before the
 * modules it instruments (http, pg) are loaded by the rest of the worker.
 */
import { startTracing } from './tracing';

startTracing('workorder-worker');
