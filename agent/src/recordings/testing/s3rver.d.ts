/**
 * `testing/s3.ts` (the shared local-S3 kit) imports `s3rver`, which ships no types; Deno types it
 * from npm, the agent's `tsc` cannot. Only the kit's child process uses it, so `any` is enough.
 */
declare module "s3rver";
