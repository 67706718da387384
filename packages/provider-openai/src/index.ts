/**
 * @since 0.1.0
 */
export * as OpenAiClient from "./OpenAiClient.js"
/**
 * @since 0.1.0
 */
export * as OpenAiConfig from "./OpenAiConfig.js"
/**
 * @since 0.1.0
 */
export * as OpenAiProvider from "./OpenAiProvider.js"
/**
 * @since 0.1.0
 */
export * as OpenAiRateLimits from "./OpenAiRateLimits.js"
