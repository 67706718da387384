/**
 * @since 0.1.0
 */
export * as AdapterSettings from "./AdapterSettings.js"
/**
 * @since 0.1.0
 */
export * as AiuError from "./AiuError.js"
/**
 * @since 0.1.0
 */
export * as CallOptions from "./CallOptions.js"
/**
 * @since 0.1.0
 */
export * as Chat from "./Chat.js"
/**
 * @since 0.1.0
 */
export * as Embedding from "./Embedding.js"
/**
 * @since 0.1.0
 */
export * as Image from "./Image.js"
/**
 * @since 0.1.0
 */
export * as Message from "./Message.js"
/**
 * @since 0.1.0
 */
export * as ModelId from "./ModelId.js"
/**
 * @since 0.1.0
 */
export * as ModelInfo from "./ModelInfo.js"
/**
 * @since 0.1.0
 */
export * as Provider from "./Provider.js"
/**
 * @since 0.1.0
 */
export * as Redaction from "./Redaction.js"
/**
 * @since 0.1.0
 */
export * as ScopedStream from "./ScopedStream.js"
/**
 * @since 0.1.0
 */
export * as StreamChunk from "./StreamChunk.js"
/**
 * @since 0.1.0
 */
export * as Usage from "./Usage.js"
