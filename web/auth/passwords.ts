import { hash, verify } from "@node-rs/argon2";

/** argon2id with OWASP's 2024 minimum (19 MiB, 2 passes); runs off the main thread. */
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Minimum password length for local accounts. */
export const MIN_PASSWORD_LENGTH = 10;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verify, so an unknown email is not told apart by timing. */
  verifyNothing(password: string): Promise<void>;
}

/** The argon2id hasher. `cost` lowers the memory for tests that hash hundreds of passwords. */
export function argon2Hasher(cost: { memoryCost?: number } = {}): PasswordHasher {
  const options = { ...ARGON2ID, ...cost };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, options),
    async verify(stored, password) {
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    },
    async verifyNothing(password) {
      dummy ??= hash(crypto.randomUUID(), options);
      await verify(await dummy, password).catch(() => false);
    },
  };
}
