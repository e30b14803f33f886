/** docs/audit-actions.md names every action a key's PATCH records, and the export route. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_CHANGE_ACTIONS } from '../src/modules/keys/key-change-events.js';

const doc = readFileSync(join(import.meta.dirname, '../docs/audit-actions.md'), 'utf8');

describe('docs/audit-actions.md', () => {
  it.each(KEY_CHANGE_ACTIONS)('documents %s', (action) => {
    expect(doc).toContain(`\`${action}\``);
  });

  it('says how to export a filtered view', () => {
    expect(doc).toContain('GET /v1/audit/export?format=csv|json');
  });
});
