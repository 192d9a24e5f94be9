/**
 * What the browser downloads for calling (`deno task bench:bundle`): every call-engine chunk
 * (raw and gzipped, level 9) beside the Voice SDK's own minified bundle, built in memory in one
 * run with the production options, and what the dashboard loads up front.
 */
import {
  analyzeBundle,
  gzippedSize,
  loadedUpFront,
  outputsWith,
  SDK_BUNDLE,
} from "../../web/build/bundle.ts";

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const outputs = await analyzeBundle();
const sdk = await Deno.readFile(SDK_BUNDLE);
const sdkGzip = gzippedSize(sdk);
const [twilioChunk] = outputsWith(outputs, "@twilio/voice-sdk");
const [sipChunk] = outputsWith(outputs, "sip.js");
const dialer = [...outputs.keys()].find((file) => file.includes("island-Dialer-"))!;
const upFront = [...loadedUpFront(outputs, dialer)].reduce(
  (sum, file) => sum + (outputs.get(file)?.gzipBytes ?? 0),
  0,
);

console.log("chunk                                 raw        gzipped");
console.log(
  `Twilio engine chunk (lazy)            ${kb(twilioChunk.bytes).padEnd(10)} ${
    kb(twilioChunk.gzipBytes)
  }`,
);
console.log(`@twilio/voice-sdk dist/twilio.min.js  ${kb(sdk.length).padEnd(10)} ${kb(sdkGzip)}`);
console.log(
  `sip engine chunk (lazy)               ${kb(sipChunk.bytes).padEnd(10)} ${
    kb(sipChunk.gzipBytes)
  }`,
);
console.log(`Dialer island and its static imports  ${"".padEnd(10)} ${kb(upFront)}`);
console.log(
  `ratio Twilio chunk / SDK bundle (gzipped): ${(twilioChunk.gzipBytes / sdkGzip).toFixed(2)}`,
);
