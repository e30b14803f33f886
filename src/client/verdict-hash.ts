/**
 * The replica's cache key (SPEC §4, replica): an HMAC-SHA-256 of the presented key under a random
 * key made for this process; the request's other members (not secret) complete the cache key
 * (replica-cache.ts). The replica so holds no secret and no server hash: a digest it cannot
 * reverse, that no other process (nor the server) could compute. Written here rather than with `createHmac` because a cached
 * verify is this hash and a Map lookup: `createHmac` allocates a hash object, two buffers and a
 * string per call (~4 µs here), while this one keeps the key's inner and outer pad blocks
 * compressed once and reuses its buffers (tested against `createHmac` in verdict-hash.test.ts).
 */
import { randomBytes } from 'node:crypto';

const K = Int32Array.from(
  [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
  ].map((word) => word | 0),
);
const IV = Int32Array.from(
  [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19].map((w) => w | 0),
);

const W = new Int32Array(64);

/** One SHA-256 compression of the 64 bytes of `block` at `offset` into `state`. */
function compress(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const at = offset + i * 4;
    W[i] =
      ((block[at] as number) << 24) |
      ((block[at + 1] as number) << 16) |
      ((block[at + 2] as number) << 8) |
      (block[at + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15] as number;
    const y = W[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0;
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
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (W[i] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
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

/** The longest key hashed (Keyward takes keys of up to 512 characters); a longer one is not cached. */
const MAX_MESSAGE = 2048;

export interface VerdictHasher {
  /**
   * The HMAC of `key` (its UTF-8 bytes) into `digest`, eight 32-bit words; false when it is too
   * long to be any key, and is then not to be cached.
   */
  hash(key: string): boolean;
  readonly digest: Int32Array;
}

/** A hasher under `secret` (default: 32 random bytes, never leaving this process). */
export function createVerdictHasher(secret: Uint8Array = randomBytes(32)): VerdictHasher {
  if (secret.length > 64) throw new RangeError('verdict hash key: at most 64 bytes');
  const pad = new Uint8Array(64);
  const inner = Int32Array.from(IV);
  const outer = Int32Array.from(IV);
  for (let i = 0; i < 64; i++) pad[i] = (secret[i] ?? 0) ^ 0x36;
  compress(inner, pad, 0);
  for (let i = 0; i < 64; i++) pad[i] = (secret[i] ?? 0) ^ 0x5c;
  compress(outer, pad, 0);
  pad.fill(0);

  const message = new Uint8Array(MAX_MESSAGE + 128);
  const outerBlock = new Uint8Array(64);
  const state = new Int32Array(8);
  const digest = new Int32Array(8);
  const encoder = new TextEncoder();

  /** Writes `text` as UTF-8 at the start of `message`; its length, or -1 when too long. */
  const encode = (text: string): number => {
    if (text.length * 3 > MAX_MESSAGE) return -1;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      // Rare (a key is ASCII): the whole text as UTF-8.
      if (code >= 0x80) return encoder.encodeInto(text, message.subarray(0, MAX_MESSAGE)).written;
      message[i] = code;
    }
    return text.length;
  };

  return {
    digest,
    hash(key) {
      const length = encode(key);
      if (length < 0) return false;
      state.set(inner);
      // Padding: 0x80, zeros, then the bit length (after the 64 bytes of the inner pad) in the last 8 bytes of a block.
      message[length] = 0x80;
      let end = length + 1;
      while ((end + 8) % 64 !== 0) message[end++] = 0;
      const bits = (64 + length) * 8;
      message.fill(0, end, end + 5);
      end += 5;
      message[end++] = (bits >>> 16) & 0xff;
      message[end++] = (bits >>> 8) & 0xff;
      message[end++] = bits & 0xff;
      for (let offset = 0; offset < end; offset += 64) compress(state, message, offset);
      for (let i = 0; i < 8; i++) {
        const word = state[i] as number;
        outerBlock[i * 4] = word >>> 24;
        outerBlock[i * 4 + 1] = (word >>> 16) & 0xff;
        outerBlock[i * 4 + 2] = (word >>> 8) & 0xff;
        outerBlock[i * 4 + 3] = word & 0xff;
      }
      outerBlock[32] = 0x80;
      outerBlock.fill(0, 33, 62);
      // (64 + 32) bytes = 768 bits.
      outerBlock[62] = 0x03;
      outerBlock[63] = 0x00;
      digest.set(outer);
      compress(digest, outerBlock, 0);
      return true;
    },
  };
}
