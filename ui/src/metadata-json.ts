/**
 * A key's metadata as the console edits it: JSON text checked as the API checks it (an object,
 * at most 50 properties, names of at most 64 characters, 4 KiB serialised), so a mistake is named
 * under the field before anything is sent.
 */

/**
 * The API's limit (src/api/common.ts MAX_METADATA_BYTES), not imported: that module pulls the
 * id generator's node:crypto into the browser bundle. ui/test/console-actions.test.tsx holds the two equal.
 */
export const MAX_METADATA_BYTES = 4096;

export type MetadataCheck =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly problem: string };

export function checkMetadata(text: string): MetadataCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim() === '' ? '{}' : text);
  } catch (error) {
    return { ok: false, problem: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, problem: 'Metadata is a JSON object: { "name": value, … }' };
  const names = Object.keys(parsed);
  if (names.length > 50) return { ok: false, problem: `At most 50 properties (this has ${names.length})` };
  const long = names.find((name) => name.length > 64);
  if (long !== undefined)
    return { ok: false, problem: `Property names are at most 64 characters: ${long.slice(0, 20)}…` };
  const bytes = new TextEncoder().encode(JSON.stringify(parsed)).length;
  if (bytes > MAX_METADATA_BYTES)
    return { ok: false, problem: `At most ${MAX_METADATA_BYTES} bytes as JSON (this is ${bytes})` };
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** Metadata as the editor first shows it: indented, `{}` when empty. */
export const metadataText = (metadata: Readonly<Record<string, unknown>>): string => JSON.stringify(metadata, null, 2);
