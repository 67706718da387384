/**
 * OpenTelemetry export for traces and metrics (`@effect/opentelemetry` over the Node SDK). The
 * client opens one span per call (`Aiu.chat`, …) and one child span per attempt, carrying the
 * GenAI semantic-convention attributes from `GenAi.ts`; this layer sends them somewhere. With
 * `prometheus`, Effect metrics are also served on `GET http://host:port/metrics`.
 *
 * @since 0.1.0
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import type * as Resource from "@effect/opentelemetry/Resource"
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus"
import type { MetricReader } from "@opentelemetry/sdk-metrics"
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base"
import type * as Layer from "effect/Layer"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly serviceName?: string | undefined
  readonly serviceVersion?: string | undefined
  /** Where spans go (e.g. `BatchSpanProcessor(new OTLPTraceExporter())`, or an in-memory one in tests). */
  readonly spanProcessor?: SpanProcessor | ReadonlyArray<SpanProcessor> | undefined
  /** Metric readers (OTLP, …). */
  readonly metricReader?: MetricReader | ReadonlyArray<MetricReader> | undefined
  /** Serve Prometheus text format on this host and port (default host 127.0.0.1). */
  readonly prometheus?:
    | { readonly port: number; readonly host?: string | undefined; readonly endpoint?: string }
    | undefined
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Resource.Resource> =>
  NodeSdk.layer(() => {
    const readers: Array<MetricReader> = []
    if (options?.metricReader !== undefined) {
      if (Array.isArray(options.metricReader)) readers.push(...(options.metricReader as ReadonlyArray<MetricReader>))
      else readers.push(options.metricReader as MetricReader)
    }
    if (options?.prometheus !== undefined) {
      readers.push(
        new PrometheusExporter({
          host: options.prometheus.host ?? "127.0.0.1",
          port: options.prometheus.port,
          ...(options.prometheus.endpoint !== undefined ? { endpoint: options.prometheus.endpoint } : {})
        })
      )
    }
    return {
      resource: {
        serviceName: options?.serviceName ?? "aiu",
        ...(options?.serviceVersion !== undefined ? { serviceVersion: options.serviceVersion } : {})
      },
      ...(options?.spanProcessor !== undefined ? { spanProcessor: options.spanProcessor } : {}),
      ...(readers.length > 0 ? { metricReader: readers } : {})
    }
  })

/**
 * A Prometheus scrape endpoint only (no span export).
 * @since 0.1.0
 * @category layers
 */
export const layerPrometheus = (options: {
  readonly port: number
  readonly host?: string | undefined
  readonly serviceName?: string | undefined
}): Layer.Layer<Resource.Resource> =>
  layer({ serviceName: options.serviceName, prometheus: { port: options.port, host: options.host } })
