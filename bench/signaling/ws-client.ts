/**
 * A minimal WebSocket client (RFC 6455, text frames, ws:// only) over a TCP connection with
 * Nagle's algorithm off. Deno's built-in client leaves Nagle on, so a small frame sent right after
 * another waits for the server's delayed ACK (~40 ms) and the benchmark would measure that instead
 * of the signaling server; browsers disable Nagle too.
 */

/** A connected text-only WebSocket. */
export interface TextSocket {
  send(text: string): Promise<void>;
  /** Calls `onText` for each text frame until the connection ends. */
  listen(onText: (text: string) => void): Promise<void>;
  close(): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Opens `ws://host:port/path?query` with extra request headers (e.g. a session cookie). */
export async function connectTextSocket(
  url: string,
  headers: Record<string, string> = {},
): Promise<TextSocket> {
  const target = new URL(url);
  if (target.protocol !== "ws:") throw new Error("only ws:// URLs are supported");
  const conn = await Deno.connect({ hostname: target.hostname, port: Number(target.port || 80) });
  conn.setNoDelay(true);
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  await write(
    conn,
    encoder.encode(
      `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
        `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
        `Sec-WebSocket-Version: 13\r\n${extra}\r\n`,
    ),
  );
  let buffer: Uint8Array = new Uint8Array(0);
  const fill = async () => {
    const chunk = new Uint8Array(64 * 1024);
    const n = await conn.read(chunk);
    if (n === null) return false;
    buffer = concat(buffer, chunk.subarray(0, n));
    return true;
  };
  // Read the handshake response up to the blank line; frames may follow in the same chunk.
  for (;;) {
    const end = findHeaderEnd(buffer);
    if (end >= 0) {
      const head = decoder.decode(buffer.subarray(0, end));
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new Error(`upgrade refused: ${head.split("\r\n")[0]}`);
      }
      buffer = buffer.subarray(end + 4);
      break;
    }
    if (!(await fill())) throw new Error("connection closed during the handshake");
  }
  return {
    send: (text) => write(conn, frame(encoder.encode(text))),
    async listen(onText) {
      for (;;) {
        const parsed = parseFrame(buffer);
        if (!parsed) {
          if (!(await fill().catch(() => false))) return;
          continue;
        }
        buffer = buffer.subarray(parsed.length);
        if (parsed.opcode === 8) return conn.close();
        if (parsed.opcode === 1) onText(decoder.decode(parsed.payload));
      }
    },
    close() {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    },
  };
}

async function write(conn: Deno.Conn, bytes: Uint8Array) {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function findHeaderEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

/** A masked, final text frame (clients must mask). */
function frame(payload: Uint8Array): Uint8Array {
  const size = payload.length;
  const lengthBytes = size < 126 ? 0 : size < 65536 ? 2 : 8;
  const out = new Uint8Array(2 + lengthBytes + 4 + size);
  out[0] = 0x81;
  const view = new DataView(out.buffer);
  if (lengthBytes === 0) out[1] = 0x80 | size;
  else if (lengthBytes === 2) (out[1] = 0x80 | 126, view.setUint16(2, size));
  else (out[1] = 0x80 | 127, view.setBigUint64(2, BigInt(size)));
  const mask = crypto.getRandomValues(new Uint8Array(4));
  out.set(mask, 2 + lengthBytes);
  const start = 6 + lengthBytes;
  for (let i = 0; i < size; i++) out[start + i] = payload[i] ^ mask[i & 3];
  return out;
}

/** An unmasked server frame at the start of `bytes`, or null when incomplete. */
function parseFrame(bytes: Uint8Array) {
  if (bytes.length < 2) return null;
  const opcode = bytes[0] & 0x0f;
  let size = bytes[1] & 0x7f;
  let offset = 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 126) {
    if (bytes.length < 4) return null;
    size = view.getUint16(2);
    offset = 4;
  } else if (size === 127) {
    if (bytes.length < 10) return null;
    size = Number(view.getBigUint64(2));
    offset = 10;
  }
  if (bytes.length < offset + size) return null;
  return { opcode, payload: bytes.subarray(offset, offset + size), length: offset + size };
}
