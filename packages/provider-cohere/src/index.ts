/**
 * @since 0.1.0
 */
export * as CohereClient from "./CohereClient.js"
/**
 * @since 0.1.0
 */
export * as CohereConfig from "./CohereConfig.js"
/**
 * @since 0.1.0
 */
export * as CohereProvider from "./CohereProvider.js"
