/**
 * @since 0.1.0
 */
export * as CircuitBreaker from "./CircuitBreaker.js"
/**
 * @since 0.1.0
 */
export * as EventMapping from "./EventMapping.js"
/**
 * @since 0.1.0
 */
export * as HttpTransport from "./HttpTransport.js"
/**
 * @since 0.1.0
 */
export * as Ndjson from "./Ndjson.js"
/**
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.js"
/**
 * @since 0.1.0
 */
export * as RetryAfter from "./RetryAfter.js"
/**
 * @since 0.1.0
 */
export * as RetryBudget from "./RetryBudget.js"
/**
 * @since 0.1.0
 */
export * as RetryObserver from "./RetryObserver.js"
/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"
/**
 * @since 0.1.0
 */
/**
 * @since 0.1.0
 */
export * as ServerLimits from "./ServerLimits.js"
export * as Sse from "./Sse.js"
/**
 * @since 0.1.0
 */
export * as Timeouts from "./Timeouts.js"
