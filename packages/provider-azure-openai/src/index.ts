/**
 * @since 0.1.0
 */
export * as AzureOpenAiConfig from "./AzureOpenAiConfig.js"
/**
 * @since 0.1.0
 */
export * as AzureOpenAiProvider from "./AzureOpenAiProvider.js"
