/**
 * @since 0.1.0
 */
export * as ProviderRegistry from "./ProviderRegistry.js"
