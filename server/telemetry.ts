/**
 * OpenTelemetry tracing, opt-in through the standard variables: with OTEL_EXPORTER_OTLP_ENDPOINT
 * (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) set, a process exports its spans over OTLP/HTTP, as
 * JSON or protobuf (OTEL_EXPORTER_OTLP_PROTOCOL), under OTEL_SERVICE_NAME or its own name.
 *
 * Spans: incoming HTTP requests (gateway and subgraphs), the gateway's request, validation,
 * query planning and each subgraph fetch (@apollo/gateway's own spans once a provider is
 * registered), outgoing HTTP through undici (subgraph fetches and agency fetches, with W3C
 * `traceparent` injected, so a subgraph's spans join the gateway's trace and an agency sees it),
 * GraphQL resolvers, PostgreSQL queries, and Madoguchi's own spans for sync runs and embedded
 * store queries (`tracer()`). Started before the instrumented modules load (each entry point's
 * first step; the embedded start's back-end thread starts its own).
 */
import { trace, type Tracer } from '@opentelemetry/api';
import type { Settings } from './settings';

export const TRACER_NAME = 'madoguchi';

/** Madoguchi's own tracer: a no-op until `startTelemetry` registered a provider. */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

export interface Telemetry {
  /** Exports what is buffered and stops; call before the process exits. */
  shutdown(): Promise<void>;
}

function headersOf(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

type TelemetrySettings = Pick<
  Settings,
  'otelSdkDisabled' | 'otelEndpoint' | 'otelTracesEndpoint' | 'otelProtocol' | 'otelHeaders' | 'otelServiceName'
>;

export function tracingEnabled(s: TelemetrySettings): boolean {
  return !s.otelSdkDisabled && Boolean(s.otelEndpoint || s.otelTracesEndpoint);
}

let started: Telemetry | undefined;

/**
 * Registers the tracer provider and instrumentations when tracing is on; a no-op otherwise, and
 * on a second call in the same thread (the first one's service name stands).
 */
export function startTelemetry(settings: TelemetrySettings, defaultServiceName: string): Telemetry {
  if (started) return started;
  if (!tracingEnabled(settings)) return (started = { shutdown: async () => {} });
  // Loaded only when tracing is on: a process without it never loads the SDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } =
    require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const url = settings.otelTracesEndpoint ?? `${settings.otelEndpoint!.replace(/\/$/, '')}/v1/traces`;
  const exporterOptions = { url, headers: headersOf(settings.otelHeaders) };
  const exporter =
    settings.otelProtocol === 'http/json'
      ? new (
          require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')
        ).OTLPTraceExporter(exporterOptions)
      : new (
          require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')
        ).OTLPTraceExporter(exporterOptions);
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.otelServiceName ?? defaultServiceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
  });
  // The W3C trace-context propagator (traceparent) and the async-hooks context manager.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Health checks and scrapes are not traces anyone wants.
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)\b/.test(req.url ?? ''),
      }),
      new UndiciInstrumentation(),
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
      new PgInstrumentation(),
    ],
  });
  return (started = { shutdown: () => provider.shutdown() });
}
