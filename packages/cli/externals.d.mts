/** See externals.mjs. */
export declare const externals: Array<string>
