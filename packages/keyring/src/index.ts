/**
 * @since 0.1.0
 */
export * as Envelope from "./Envelope.js"
/**
 * @since 0.1.0
 */
export * as Keyring from "./Keyring.js"
/**
 * @since 0.1.0
 */
export * as MasterKey from "./MasterKey.js"
/**
 * @since 0.1.0
 */
export * as Sodium from "./Sodium.js"
