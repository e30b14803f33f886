/**
 * HMAC-SHA-256 of short strings under one fixed key, without allocating per call (issue 27).
 *
 * `createHmac` makes a native HMAC context, a KeyObject check and a Buffer of the text on every
 * call: on verify's hot path that was the largest single cost of a cache hit after the socket
 * write. The key's inner and outer pad blocks are compressed once here, so a key of up to 55
 * bytes costs two SHA-256 compressions into preallocated arrays; only the hex answer is a new
 * string. Checked against `createHmac` (hmac-sha256.test.ts).
 *
 * Secrets: the text's bytes and its expanded message words are wiped after each call, so the
 * last presented key is not left readable in these buffers; the pad states are derived from the
 * pepper, which the caller holds anyway. Every step is the same integer arithmetic whatever the
 * bytes are (no table lookups or branches on secret data but the ASCII test of the text).
 */
import { createHash, createHmac } from 'node:crypto';

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Longest text hashed here (bytes, UTF-8); a longer one goes to `createHmac`. Keys are ≤ 512 characters. */
const MAX_BYTES = 2048;

const HEX_DIGITS = new Uint8Array(Buffer.from('0123456789abcdef', 'latin1'));

/** One SHA-256 compression of the 64 bytes of `bytes` at `offset` into `state`, with `w` as scratch. */
function compress(state: Int32Array, w: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const at = offset + i * 4;
    w[i] =
      ((bytes[at] as number) << 24) |
      ((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] as number;
    const y = w[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
  state[4] = ((state[4] as number) + e) | 0;
  state[5] = ((state[5] as number) + f) | 0;
  state[6] = ((state[6] as number) + g) | 0;
  state[7] = ((state[7] as number) + h) | 0;
}

/** The state after one block of `key` (padded to 64 bytes) XOR `pad`: HMAC's inner or outer start. */
function padState(key: Uint8Array, pad: number): Int32Array {
  const block = new Uint8Array(64);
  for (let i = 0; i < 64; i++) block[i] = (key[i] ?? 0) ^ pad;
  const state = Int32Array.from(INITIAL);
  compress(state, new Int32Array(64), block, 0);
  block.fill(0);
  return state;
}

/** The HMAC-SHA-256 of a string (as UTF-8) under `key`, in the form its maker was asked for. */
export type KeyedHash = (text: string) => string;

/**
 * `hex`: lower-case hex, 64 characters, as keys are stored. `bytes`: the 32 bytes of the digest as
 * a string of 32 one-byte (latin1) characters, for a key kept in memory: 48 bytes of heap where
 * the hex takes 80, and half the characters to hash for a Map lookup.
 */
export type DigestForm = 'hex' | 'bytes';

export function hmacSha256Hex(key: Buffer): KeyedHash {
  return hmacSha256(key, 'hex');
}

export function hmacSha256(key: Buffer, form: DigestForm): KeyedHash {
  // RFC 2104: a key longer than the block is replaced by its hash.
  const material = key.length > 64 ? createHash('sha256').update(key).digest() : key;
  const inner = padState(material, 0x36);
  const outer = padState(material, 0x5c);
  const state = new Int32Array(8);
  const w = new Int32Array(64);
  // The text after the inner pad block, then SHA-256 padding: room for MAX_BYTES and 72 more.
  // A plain Uint8Array (its fill is a builtin); the Buffer view over it only encodes non-ASCII.
  const bytes = new Uint8Array(MAX_BYTES + 72);
  const encoder = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tail = new Uint8Array(64);
  // The answer's characters, made one flat string at the end: a Map lookup by it hashes it at once.
  const out = Buffer.alloc(64);

  const wipe = (used: number): void => {
    bytes.fill(0, 0, used);
    w.fill(0);
  };

  return (text) => {
    // ASCII (every Keyward key) is copied by hand; anything else is encoded into the same buffer.
    let length = text.length;
    let ascii = length <= MAX_BYTES;
    for (let i = 0; ascii && i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) ascii = false;
      else bytes[i] = code;
    }
    if (!ascii) {
      if (Buffer.byteLength(text, 'utf8') > MAX_BYTES) {
        wipe(Math.min(length, MAX_BYTES));
        const digest = createHmac('sha256', key).update(text, 'utf8').digest();
        return digest.toString(form === 'hex' ? 'hex' : 'latin1');
      }
      length = encoder.write(text, 0, 'utf8');
    }
    // Padding: 0x80, zeros, then the bit length of pad block + text as a 64-bit big-endian number.
    const blocks = Math.ceil((length + 9) / 64);
    const end = blocks * 64;
    bytes[length] = 0x80;
    bytes.fill(0, length + 1, end - 4);
    const bits = (64 + length) * 8;
    bytes[end - 4] = bits >>> 24;
    bytes[end - 3] = (bits >>> 16) & 0xff;
    bytes[end - 2] = (bits >>> 8) & 0xff;
    bytes[end - 1] = bits & 0xff;
    state.set(inner);
    for (let offset = 0; offset < end; offset += 64) compress(state, w, bytes, offset);
    wipe(end);
    // The outer hash: its pad block is done, the inner digest and padding fill one block.
    for (let i = 0; i < 8; i++) {
      const word = state[i] as number;
      tail[i * 4] = word >>> 24;
      tail[i * 4 + 1] = (word >>> 16) & 0xff;
      tail[i * 4 + 2] = (word >>> 8) & 0xff;
      tail[i * 4 + 3] = word & 0xff;
    }
    tail[32] = 0x80;
    tail[62] = (768 >>> 8) & 0xff; // (64 + 32) bytes = 768 bits
    tail[63] = 768 & 0xff;
    state.set(outer);
    compress(state, w, tail, 0);
    w.fill(0);
    tail.fill(0, 0, 32);
    if (form === 'bytes') {
      for (let i = 0; i < 8; i++) {
        const word = state[i] as number;
        out[i * 4] = word >>> 24;
        out[i * 4 + 1] = (word >>> 16) & 0xff;
        out[i * 4 + 2] = (word >>> 8) & 0xff;
        out[i * 4 + 3] = word & 0xff;
      }
      return out.toString('latin1', 0, 32);
    }
    for (let i = 0; i < 8; i++) {
      const word = state[i] as number;
      for (let digit = 0; digit < 8; digit++)
        out[i * 8 + digit] = HEX_DIGITS[(word >>> (28 - digit * 4)) & 15] as number;
    }
    return out.toString('latin1', 0, 64);
  };
}
