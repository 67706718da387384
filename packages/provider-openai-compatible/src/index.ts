/**
 * @since 0.1.0
 */
export * as OpenAiCompatibleConfig from "./OpenAiCompatibleConfig.js"
/**
 * @since 0.1.0
 */
export * as OpenAiCompatibleProvider from "./OpenAiCompatibleProvider.js"
