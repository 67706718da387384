/**
 * @since 0.1.0
 */
export * as Catalog from "./Catalog.js"

/**
 * @since 0.1.0
 */
export * as ModelQuery from "./ModelQuery.js"

/**
 * @since 0.1.0
 */
export * as ModelRegistry from "./ModelRegistry.js"

/**
 * @since 0.1.0
 */
export * as ModelSource from "./ModelSource.js"
