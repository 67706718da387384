/**
 * @since 0.1.0
 */
export * as Faults from "./Faults.js"
/**
 * @since 0.1.0
 */
export * as FakeProviderServer from "./FakeProviderServer.js"
