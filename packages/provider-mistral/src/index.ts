/**
 * @since 0.1.0
 */
export * as MistralClient from "./MistralClient.js"
/**
 * @since 0.1.0
 */
export * as MistralConfig from "./MistralConfig.js"
/**
 * @since 0.1.0
 */
export * as MistralProvider from "./MistralProvider.js"
/**
 * @since 0.1.0
 */
export * as MistralRateLimits from "./MistralRateLimits.js"
