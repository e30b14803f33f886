/**
 * The replica's cache key (SPEC §4, replica): a keyed SHA-256 of the presented key, SHA-256 of 64
 * random bytes made for this process followed by the key; the request's other members (not
 * secret) complete the cache key (replica-cache.ts). The replica so holds no secret and no server
 * hash: a digest it cannot reverse (SHA-256's preimage resistance), that no other process, nor the
 * server, can compute (the 64 bytes never leave this one), under which two keys never meet
 * (SHA-256's collision resistance, and a presenter cannot even compute the digest to aim at one).
 *
 * Why not HMAC: HMAC-SHA-256 is exactly this hash (its inner one) hashed once more under a second
 * pad, and that outer hash is there for a digest that is shown (so that one cannot be extended
 * into the digest of a longer message without the key). This digest is never shown to anyone, and
 * the outer hash would double a cached verify's cost (one compression each for a key of up to 55
 * bytes: measured, 1.0 M cached verifies per CPU-second with it against 1.5 M without).
 *
 * Written here rather than with `createHash` because a cached verify is this hash and a few Map
 * lookups: node:crypto allocates a hash object, buffers and a string per call, while this one
 * keeps the secret's block compressed once, packs the key's characters straight into the
 * schedule and allocates nothing (tested against `createHash` in verdict-hash.test.ts).
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

/** The message schedule: its first 16 words are the block being compressed, written by the caller. */
const W = new Int32Array(64);

/**
 * One SHA-256 compression of the block in `W[0..15]` into `state`, the schedule's later words
 * computed as the rounds need them (one pass; this is most of a cached verify's time).
 */
function compress(state: Int32Array): void {
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    let w: number;
    if (i < 16) w = W[i] as number;
    else {
      const x = W[i - 15] as number;
      const y = W[i - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0;
      W[i] = w;
    }
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    // ch(e, f, g) and maj(a, b, c) in their shorter forms.
    const t1 = (h + s1 + (g ^ (e & (f ^ g))) + (K[i] as number) + w) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) | (c & (a | b)))) | 0;
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

/** Compresses the 64 bytes of `bytes` at `offset` into `state`. */
function compressBytes(state: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const at = offset + i * 4;
    W[i] =
      ((bytes[at] as number) << 24) |
      ((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number);
  }
  compress(state);
}

/** The longest key hashed, in bytes (Keyward takes keys of up to 512 characters); a longer one is not cached. */
const MAX_MESSAGE = 2048;

export interface VerdictHasher {
  /**
   * SHA-256 of the secret then `key` (its UTF-8 bytes) into `digest`, eight 32-bit words; false
   * when it is too long to be any key, and is then not to be cached.
   */
  hash(key: string): boolean;
  readonly digest: Int32Array;
}

/** The secret's length: one SHA-256 block, compressed once. */
export const VERDICT_SECRET_BYTES = 64;

/** A hasher under `secret` (default: 64 random bytes, never leaving this process, nor kept in it but as the state below). */
export function createVerdictHasher(secret?: Uint8Array): VerdictHasher {
  const bytes = secret ?? randomBytes(VERDICT_SECRET_BYTES);
  if (bytes.length !== VERDICT_SECRET_BYTES) throw new RangeError('verdict hash secret: 64 bytes');
  const keyed = Int32Array.from(IV);
  compressBytes(keyed, bytes, 0);
  if (secret === undefined) bytes.fill(0);

  const message = new Uint8Array(MAX_MESSAGE + 128);
  const digest = new Int32Array(8);
  const encoder = new TextEncoder();

  /**
   * The hash of an ASCII `key` (every key Keyward makes) into `digest`, its characters
   * packed straight into the schedule's words, with no byte buffer between; false as soon as a
   * character is not ASCII (then its UTF-8 bytes are hashed instead).
   */
  const hashAscii = (key: string): boolean => {
    const length = key.length;
    // The key, 0x80, zeros, then the bit length (of the secret and the key) in the last 4 bytes of a block.
    const blocks = (length + 8) >>> 6;
    const bits = (64 + length) * 8;
    digest.set(keyed);
    for (let block = 0, at = 0; block <= blocks; block++) {
      for (let i = 0; i < 16; i++, at += 4) {
        if (at + 4 <= length) {
          const c0 = key.charCodeAt(at);
          const c1 = key.charCodeAt(at + 1);
          const c2 = key.charCodeAt(at + 2);
          const c3 = key.charCodeAt(at + 3);
          if ((c0 | c1 | c2 | c3) > 0x7f) return false;
          W[i] = (c0 << 24) | (c1 << 16) | (c2 << 8) | c3;
          continue;
        }
        // The word where the key ends, or past it: the key's last bytes, then 0x80, then zeros.
        let word = 0;
        for (let index = at; index < at + 4; index++) {
          const code = index < length ? key.charCodeAt(index) : index === length ? 0x80 : 0;
          if (code > 0x7f && index < length) return false;
          word = (word << 8) | code;
        }
        W[i] = word;
      }
      if (block === blocks) W[15] = bits;
      compress(digest);
    }
    return true;
  };

  /** The hash of `key`'s UTF-8 bytes into `digest` (rare: a key is ASCII); false when too long to be a key. */
  const hashBytes = (key: string): boolean => {
    const { read, written: length } = encoder.encodeInto(key, message.subarray(0, MAX_MESSAGE));
    // Cut short: hashing a part would give two keys one verdict.
    if (read < key.length) return false;
    message[length] = 0x80;
    let end = length + 1;
    while ((end + 8) % 64 !== 0) message[end++] = 0;
    const bits = (64 + length) * 8;
    message.fill(0, end, end + 4);
    end += 4;
    message[end++] = bits >>> 24;
    message[end++] = (bits >>> 16) & 0xff;
    message[end++] = (bits >>> 8) & 0xff;
    message[end++] = bits & 0xff;
    digest.set(keyed);
    for (let offset = 0; offset < end; offset += 64) compressBytes(digest, message, offset);
    return true;
  };

  return {
    digest,
    hash(key) {
      if (key.length > MAX_MESSAGE) return false;
      return hashAscii(key) || hashBytes(key);
    },
  };
}
