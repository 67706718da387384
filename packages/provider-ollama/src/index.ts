/**
 * @since 0.1.0
 */
export * as OllamaClient from "./OllamaClient.js"
/**
 * @since 0.1.0
 */
export * as OllamaConfig from "./OllamaConfig.js"
/**
 * @since 0.1.0
 */
export * as OllamaProvider from "./OllamaProvider.js"
