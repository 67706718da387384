/**
 * @since 0.1.0
 */
export * as Aiu from "./Aiu.js"
/**
 * @since 0.1.0
 */
export * as AsyncIterable from "./AsyncIterable.js"
/**
 * @since 0.1.0
 */
export * as AiuEvents from "./AiuEvents.js"
/**
 * @since 0.1.0
 */
export * as Budget from "./Budget.js"
/**
 * @since 0.1.0
 */
export * as CallOptions from "./CallOptions.js"
/**
 * @since 0.1.0
 */
export * as Middleware from "./Middleware.js"
/**
 * @since 0.1.0
 */
export * as Policy from "./Policy.js"
/**
 * @since 0.1.0
 */
export * as ProviderRegistry from "./ProviderRegistry.js"
/**
 * @since 0.1.0
 */
export * as PullStream from "./PullStream.js"
/**
 * @since 0.1.0
 */
export * as ServiceEvents from "./ServiceEvents.js"
/**
 * @since 0.1.0
 */
export * as TransportEvents from "./TransportEvents.js"
