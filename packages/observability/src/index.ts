/**
 * @since 0.1.0
 */
export * as GenAi from "./GenAi.js"
/**
 * @since 0.1.0
 */
export * as Logging from "./Logging.js"
/**
 * @since 0.1.0
 */
export * as Metrics from "./Metrics.js"
/**
 * @since 0.1.0
 */
export * as Tracing from "./Tracing.js"
