/**
 * @since 0.1.0
 */
export * as Faults from "./Faults.js"
/**
 * @since 0.1.0
 */
export * as FakeProviderServer from "./FakeProviderServer.js"
/**
 * @since 0.1.0
 */
export * as Recordings from "./Recordings.js"
/**
 * @since 0.1.0
 */
export * as TestLayers from "./TestLayers.js"
/**
 * @since 0.1.0
 */
export * as TestProvider from "./TestProvider.js"
/**
 * @since 0.1.0
 */
export * as TestClockDriver from "./TestClockDriver.js"
