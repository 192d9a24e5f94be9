/**
 * Throw-away certificates for the TLS tests, made with openssl: a CA and a server certificate for
 * 127.0.0.1 signed by it, and the Kamailio TLS module config that serves it.
 */
import { runChecked } from "./run.ts";

/** A test CA (in PEM, for clients to trust) and the server's certificate and key files. */
export interface TestPki {
  caPem: string;
  cert: string;
  key: string;
}

/** One `openssl req -x509` with a fresh P-256 key, valid for a day. */
async function certificate(subject: string, keyOut: string, certOut: string, extra: string[]) {
  await runChecked("openssl", [
    "req",
    "-x509",
    ...["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"],
    ...["-subj", subject, "-keyout", keyOut, "-out", certOut],
    ...extra,
  ]);
}

/** `-addext` for each extension. */
function extensions(...values: string[]): string[] {
  return values.flatMap((value) => ["-addext", value]);
}

/**
 * A CA and a server certificate for 127.0.0.1 signed by it (IP subjectAltName: clients match the
 * address, not the CN), written to `dir`.
 */
export async function makeTestPki(dir: string): Promise<TestPki> {
  await certificate(
    "/CN=CareFlow throw-away test CA",
    `${dir}/ca.key`,
    `${dir}/ca.pem`,
    extensions("basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"),
  );
  await certificate("/CN=127.0.0.1", `${dir}/server.key`, `${dir}/server.pem`, [
    ...["-CA", `${dir}/ca.pem`, "-CAkey", `${dir}/ca.key`],
    ...extensions(
      "subjectAltName=IP:127.0.0.1",
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
    ),
  ]);
  return {
    caPem: await Deno.readTextFile(`${dir}/ca.pem`),
    cert: `${dir}/server.pem`,
    key: `${dir}/server.key`,
  };
}

/**
 * Makes the test PKI in `dir` and a Kamailio TLS module config serving its server certificate
 * (clients are not asked for certificates); returns the PKI and the config's path.
 */
export async function kamailioTlsConfig(dir: string): Promise<TestPki & { config: string }> {
  const pki = await makeTestPki(dir);
  const config = `${dir}/tls.cfg`;
  await Deno.writeTextFile(
    config,
    [
      "[server:default]",
      "method = TLSv1.2+",
      "verify_certificate = no",
      "require_certificate = no",
      `private_key = ${pki.key}`,
      `certificate = ${pki.cert}`,
      "",
    ].join("\n"),
  );
  return { ...pki, config };
}
