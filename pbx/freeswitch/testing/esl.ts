/**
 * The least ESL client the FreeSWITCH test needs (inbound connection, auth, api commands): a
 * block of "Name: value" lines ends at a blank line, and Content-Length bytes of body follow when
 * the block names it. The agent has its own client; this one only checks that FreeSWITCH answers.
 */

export interface EslReply {
  headers: Record<string, string>;
  body: string;
}

export class Esl {
  #buffer = new Uint8Array(0);
  #decoder = new TextDecoder();
  #encoder = new TextEncoder();

  private constructor(private readonly conn: Deno.Conn) {}

  /** Connects and reads the greeting (`auth/request`). */
  static async connect(port: number, host = "127.0.0.1"): Promise<Esl> {
    const esl = new Esl(await Deno.connect({ hostname: host, port }));
    const hello = await esl.read();
    if (hello.headers["Content-Type"] !== "auth/request") {
      esl.close();
      throw new Error(`unexpected ESL greeting: ${JSON.stringify(hello)}`);
    }
    return esl;
  }

  /** Sends one command; returns its reply. */
  async send(command: string): Promise<EslReply> {
    await this.conn.write(this.#encoder.encode(`${command}\n\n`));
    return await this.read();
  }

  /** `auth`: true when FreeSWITCH accepted the password. */
  async auth(password: string): Promise<boolean> {
    const reply = await this.send(`auth ${password}`);
    return reply.headers["Reply-Text"]?.startsWith("+OK") ?? false;
  }

  /** `api <command>`: its output. */
  async api(command: string): Promise<string> {
    return (await this.send(`api ${command}`)).body;
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }

  async read(): Promise<EslReply> {
    for (;;) {
      const end = this.#indexOfBlankLine();
      if (end >= 0) {
        const headers: Record<string, string> = {};
        for (const line of this.#decoder.decode(this.#buffer.subarray(0, end)).split("\n")) {
          const colon = line.indexOf(":");
          if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 1).trim();
        }
        const length = Number(headers["Content-Length"] ?? 0);
        if (this.#buffer.length >= end + 2 + length) {
          const body = this.#decoder.decode(this.#buffer.subarray(end + 2, end + 2 + length));
          this.#buffer = this.#buffer.slice(end + 2 + length);
          return { headers, body };
        }
      }
      const chunk = new Uint8Array(65536);
      const n = await this.conn.read(chunk);
      if (n === null) throw new Error("ESL connection closed");
      const grown = new Uint8Array(this.#buffer.length + n);
      grown.set(this.#buffer);
      grown.set(chunk.subarray(0, n), this.#buffer.length);
      this.#buffer = grown;
    }
  }

  #indexOfBlankLine(): number {
    for (let i = 0; i + 1 < this.#buffer.length; i++) {
      if (this.#buffer[i] === 10 && this.#buffer[i + 1] === 10) return i;
    }
    return -1;
  }
}
