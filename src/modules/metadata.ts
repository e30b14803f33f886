/** Free-form metadata: any JSON object within a size bound, stored as text. */
import { MAX_METADATA_BYTES } from '../api/common.js';
import { fail, ok, type Result } from '../core/error-codes.js';

export function serialiseMetadata(metadata: Record<string, unknown> | undefined): Result<string> {
  const text = JSON.stringify(metadata ?? {});
  return Buffer.byteLength(text, 'utf8') > MAX_METADATA_BYTES
    ? fail('VALIDATION', `metadata is larger than ${MAX_METADATA_BYTES} bytes`, { field: 'metadata' })
    : ok(text);
}
