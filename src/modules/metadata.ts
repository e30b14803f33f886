/** Free-form metadata: any JSON object within a size and depth bound, stored as text. */
import { MAX_METADATA_BYTES } from '../api/common.js';
import { fail, ok, type Result } from '../core/error-codes.js';

/** Deeper than any real use; thousands of levels would overflow the stack of JSON.stringify. */
export const MAX_METADATA_DEPTH = 32;

/** Walks with its own stack, not recursion, so the walk itself cannot overflow. */
function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth > max) return true;
    for (const inner of Object.values(item.value)) stack.push({ value: inner, depth: item.depth + 1 });
  }
  return false;
}

export function serialiseMetadata(metadata: Record<string, unknown> | undefined): Result<string> {
  if (deeperThan(metadata, MAX_METADATA_DEPTH)) {
    return fail('VALIDATION', `metadata is nested deeper than ${MAX_METADATA_DEPTH} levels`, { field: 'metadata' });
  }
  const text = JSON.stringify(metadata ?? {});
  return Buffer.byteLength(text, 'utf8') > MAX_METADATA_BYTES
    ? fail('VALIDATION', `metadata is larger than ${MAX_METADATA_BYTES} bytes`, { field: 'metadata' })
    : ok(text);
}

/** Metadata checked as `serialiseMetadata` checks it, kept as the object: a repository stores it. */
export function checkMetadata(metadata: Record<string, unknown> | undefined): Result<Record<string, unknown>> {
  const text = serialiseMetadata(metadata);
  return text.ok ? ok(metadata ?? {}) : text;
}
