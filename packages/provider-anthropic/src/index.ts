/**
 * @since 0.1.0
 */
export * as AnthropicClient from "./AnthropicClient.js"
/**
 * @since 0.1.0
 */
export * as AnthropicConfig from "./AnthropicConfig.js"
/**
 * @since 0.1.0
 */
export * as AnthropicProvider from "./AnthropicProvider.js"
/**
 * @since 0.1.0
 */
export * as AnthropicRateLimits from "./AnthropicRateLimits.js"
