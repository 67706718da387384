/**
 * @since 0.1.0
 */
export * as ApiKeyRepository from "./ApiKeyRepository.js"
/**
 * @since 0.1.0
 */
export * as Database from "./Database.js"
/**
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.js"
/**
 * @since 0.1.0
 */
export * as ModelRepository from "./ModelRepository.js"
/**
 * @since 0.1.0
 */
export * as ProviderRepository from "./ProviderRepository.js"
/**
 * @since 0.1.0
 */
export * as UsageStore from "./UsageStore.js"
