import * as AiuError from "@aiu/core/AiuError"
import { aiuHome } from "@aiu/storage/Database"
import { ApiKeyRepository } from "@aiu/storage/ApiKeyRepository"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs"
import * as Path from "node:path"
import type { Service } from "../MasterKey.js"
import * as Sodium from "../Sodium.js"

const KEY_BYTES = 32

/** @internal */
export const passphraseParams = { opsLimit: 3, memLimit: 64 * 1024 * 1024 } as const

/** @internal */
export const generate: Effect.Effect<Redacted.Redacted<Uint8Array>> = Effect.map(Sodium.load, (s) =>
  Redacted.make(s.randombytes_buf(KEY_BYTES))
)

/** @internal */
export const random: Effect.Effect<Service> = Effect.map(generate, (key) => ({ key, source: "random" as const }))

/** @internal */
export const encode = (key: Redacted.Redacted<Uint8Array>): Redacted.Redacted<string> =>
  Redacted.make(Buffer.from(Redacted.value(key)).toString("base64"))

/** @internal */
export const decode = (
  base64: Redacted.Redacted<string>,
  origin: string
): Effect.Effect<Redacted.Redacted<Uint8Array>, AiuError.ConfigError> =>
  Effect.suspend(() => {
    const text = Redacted.value(base64).trim()
    const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? new Uint8Array(Buffer.from(text, "base64")) : undefined
    if (bytes === undefined || bytes.length !== KEY_BYTES) {
      bytes?.fill(0)
      return Effect.fail(
        new AiuError.ConfigError({
          message: `${origin} must be base64 of exactly ${KEY_BYTES} random bytes (e.g. \`openssl rand -base64 32\`)`,
          key: origin
        })
      )
    }
    return Effect.succeed(Redacted.make(bytes))
  })

const configError = (key: string) => (e: { readonly message: string }) =>
  new AiuError.ConfigError({ message: `${key}: ${e.message}`, key })

/** @internal */
export const fromEnv: Effect.Effect<Service, AiuError.KeyringLocked | AiuError.ConfigError> = Effect.gen(function* () {
  const value = yield* Config.option(Config.redacted("AIU_MASTER_KEY")).pipe(
    Effect.mapError(configError("AIU_MASTER_KEY"))
  )
  if (Option.isNone(value)) {
    return yield* new AiuError.KeyringLocked({ message: "AIU_MASTER_KEY is not set" })
  }
  const key = yield* decode(value.value, "AIU_MASTER_KEY")
  return { key, source: "env" as const }
})

/** @internal */
export const derive = (
  passphrase: Redacted.Redacted<string>,
  salt: Uint8Array,
  params: { readonly opsLimit: number; readonly memLimit: number } = passphraseParams
): Effect.Effect<Redacted.Redacted<Uint8Array>> =>
  Effect.map(Sodium.load, (s) =>
    Redacted.make(
      s.crypto_pwhash(
        KEY_BYTES,
        Redacted.value(passphrase),
        salt,
        params.opsLimit,
        params.memLimit,
        s.crypto_pwhash_ALG_ARGON2ID13
      )
    )
  ).pipe(Effect.withSpan("MasterKey.derive"))

const KdfParams = Schema.parseJson(
  Schema.Struct({
    alg: Schema.Literal("argon2id13"),
    opsLimit: Schema.Number,
    memLimit: Schema.Number,
    salt: Schema.String
  })
)

/** @internal */
export const fromPassphrase = Effect.gen(function* () {
  const passphrase = yield* Config.option(Config.redacted("AIU_PASSPHRASE")).pipe(
    Effect.mapError(configError("AIU_PASSPHRASE"))
  )
  if (Option.isNone(passphrase) || Redacted.value(passphrase.value) === "") {
    return yield* new AiuError.KeyringLocked({ message: "AIU_PASSPHRASE is not set" })
  }
  const repo = yield* ApiKeyRepository
  const s = yield* Sodium.load
  const fresh = JSON.stringify({
    alg: "argon2id13",
    ...passphraseParams,
    salt: s.to_base64(s.randombytes_buf(s.crypto_pwhash_SALTBYTES), s.base64_variants.ORIGINAL)
  })
  // The first process to get here stores the salt; every later one derives with the stored one.
  const stored = yield* repo.initMeta("kdf", fresh)
  const params = yield* Schema.decode(KdfParams)(stored).pipe(
    Effect.mapError(
      () =>
        new AiuError.KeyringLocked({ message: "the stored passphrase parameters are unreadable (keyring meta 'kdf')" })
    )
  )
  const salt = s.from_base64(params.salt, s.base64_variants.ORIGINAL)
  const key = yield* derive(passphrase.value, salt, params)
  return { key, source: "passphrase" as const } satisfies Service
})

/** @internal */
export const fromFile = (
  path: string
): Effect.Effect<Redacted.Redacted<Uint8Array>, AiuError.KeyringLocked | AiuError.ConfigError> =>
  Effect.gen(function* () {
    const locked = (message: string) => new AiuError.KeyringLocked({ message })
    const read = Effect.try({
      try: () => {
        const fd = Fs.openSync(path, "r")
        try {
          const mode = Fs.fstatSync(fd).mode
          return { mode, text: Fs.readFileSync(fd, "utf8") }
        } finally {
          Fs.closeSync(fd)
        }
      },
      catch: (cause) => cause as NodeJS.ErrnoException
    })
    let file = yield* Effect.either(read)
    if (file._tag === "Left" && file.left.code === "ENOENT") {
      const key = yield* generate
      const created = yield* Effect.either(
        Effect.try({
          try: () => {
            Fs.mkdirSync(Path.dirname(path), { recursive: true, mode: 0o700 })
            // `wx`: if another process created it meanwhile, keep theirs and read it below.
            Fs.writeFileSync(path, `${Redacted.value(encode(key))}\n`, { mode: 0o600, flag: "wx" })
          },
          catch: (cause) => cause as NodeJS.ErrnoException
        })
      )
      if (created._tag === "Left" && created.left.code !== "EEXIST") {
        return yield* locked(`cannot create the master key file ${path}: ${created.left.code ?? "error"}`)
      }
      file = yield* Effect.either(read)
    }
    if (file._tag === "Left") {
      return yield* locked(`cannot read the master key file ${path}: ${file.left.code ?? "error"}`)
    }
    if ((file.right.mode & 0o077) !== 0) {
      const mode = (file.right.mode & 0o777).toString(8)
      return yield* locked(
        `the master key file ${path} has mode ${mode}: others can read it; run 'chmod 600 ${path}' if it is yours`
      )
    }
    return yield* decode(Redacted.make(file.right.text), `master key file ${path}`)
  }).pipe(Effect.withSpan("MasterKey.fromFile"))

/** @internal */
export const fileService = (path: string): Effect.Effect<Service, AiuError.KeyringLocked | AiuError.ConfigError> =>
  Effect.map(fromFile(path), (key) => ({ key, source: "file" as const }))

/** @internal */
export const fromHomeFile = Effect.flatMap(aiuHome, (home) => fileService(Path.join(home, "master.key")))

/** @internal */
export const fromConfig = Effect.gen(function* () {
  const env = yield* Config.option(Config.redacted("AIU_MASTER_KEY")).pipe(
    Effect.mapError(configError("AIU_MASTER_KEY"))
  )
  if (Option.isSome(env) && Redacted.value(env.value).trim() !== "") return yield* fromEnv
  const pass = yield* Config.option(Config.redacted("AIU_PASSPHRASE")).pipe(
    Effect.mapError(configError("AIU_PASSPHRASE"))
  )
  if (Option.isSome(pass) && Redacted.value(pass.value) !== "") return yield* fromPassphrase
  return yield* fromHomeFile
})
