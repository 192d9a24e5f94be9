/**
 * Password hashing for local accounts: argon2id with OWASP's 2024 minimum (19 MiB, 2 passes), in
 * PHC strings both implementations read. `native` is `@node-rs/argon2` (a native addon, off the
 * main thread); `wasm` is `hash-wasm`'s WebAssembly build, for hosts that allow no native addons
 * (edge hosting: `PASSWORD_HASHER=wasm`). The native addon is imported only when used, so a
 * process that may not load addons never touches it.
 */
import { argon2id, argon2Verify } from "hash-wasm";

type Options = { memoryCost: number; timeCost: number; parallelism: number };
const ARGON2ID: Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Minimum password length for local accounts. */
export const MIN_PASSWORD_LENGTH = 10;

/**
 * Hashes and checks passwords. Unbounded: a request's hash goes through the app's `HashQueue`
 * (hash-queue.ts), which keeps a flood from running hundreds of them at once.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verify, so an unknown email is not told apart by timing. */
  verifyNothing(password: string): Promise<void>;
}

/** Which implementation hashes. */
export type HasherKind = "native" | "wasm";

type Cost = { memoryCost?: number };
type Core = {
  hash(password: string): Promise<string>;
  check(stored: string, password: string): Promise<boolean>;
};

/** The argon2id hasher. `cost` lowers the memory for tests that hash hundreds of passwords. */
export function argon2Hasher(cost: Cost = {}, kind: HasherKind = "native"): PasswordHasher {
  const options = { ...ARGON2ID, ...cost };
  const core = kind === "wasm" ? wasmCore(options) : nativeCore(options);
  let dummy: Promise<string> | undefined;
  const verify = (stored: string, password: string) =>
    core.check(stored, password).catch(() => false);
  return {
    hash: (password) => core.hash(password),
    verify,
    async verifyNothing(password) {
      dummy ??= core.hash(crypto.randomUUID());
      await verify(await dummy, password);
    },
  };
}

function nativeCore(options: Options): Core {
  let lib: Promise<typeof import("@node-rs/argon2")> | undefined;
  const load = () => (lib ??= import("@node-rs/argon2"));
  return {
    hash: async (password) => (await load()).hash(password, { algorithm: 2, ...options }),
    check: async (stored, password) => (await load()).verify(stored, password),
  };
}

function wasmCore(options: Options): Core {
  return {
    hash: (password) =>
      argon2id({
        password,
        salt: crypto.getRandomValues(new Uint8Array(16)),
        parallelism: options.parallelism,
        iterations: options.timeCost,
        memorySize: options.memoryCost,
        hashLength: 32,
        outputType: "encoded",
      }),
    check: (hash, password) => argon2Verify({ hash, password }),
  };
}
