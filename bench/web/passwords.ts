/**
 * argon2id at the production cost (19 MiB, 2 passes), native addon against WebAssembly, side by
 * side in one run (`deno task bench:passwords`): time per hash and per verify, and how long the
 * event loop stalls meanwhile (WebAssembly runs on the calling thread; the addon does not).
 */
import { argon2Hasher, type HasherKind } from "../../web/auth/passwords.ts";

const ROUNDS = Number(Deno.args[0] ?? "20");

async function measure(kind: HasherKind) {
  const hasher = argon2Hasher({}, kind);
  const stored = await hasher.hash("warm up the pages");
  let worstStall = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    worstStall = Math.max(worstStall, now - last - 5);
    last = now;
  }, 5);
  const started = performance.now();
  // A macrotask between rounds lets the ticker run, so it sees how long each round held it up.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 1));
  for (let i = 0; i < ROUNDS; i++) {
    await hasher.hash(`password ${i}`);
    await pause();
  }
  const hashMs = (performance.now() - started) / ROUNDS - 1;
  const verifyStarted = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    await hasher.verify(stored, "warm up the pages");
    await pause();
  }
  const verifyMs = (performance.now() - verifyStarted) / ROUNDS - 1;
  clearInterval(ticker);
  return { hashMs, verifyMs, worstStall };
}

const native = await measure("native");
const wasm = await measure("wasm");
console.log(`argon2id m=19456 t=2 p=1, ${ROUNDS} of each, one at a time`);
for (
  const [name, r] of [["native (@node-rs/argon2)", native], ["wasm (hash-wasm)", wasm]] as const
) {
  console.log(
    `  ${name.padEnd(26)} hash ${r.hashMs.toFixed(1)} ms  verify ${r.verifyMs.toFixed(1)} ms  ` +
      `worst event-loop stall ${r.worstStall.toFixed(0)} ms`,
  );
}
console.log(`  ratio wasm / native (verify): ${(wasm.verifyMs / native.verifyMs).toFixed(2)}×`);
