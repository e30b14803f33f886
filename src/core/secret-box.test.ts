import { describe, expect, it } from 'vitest';
import { secretBox } from './secret-box.js';

const box = secretBox(Buffer.from('a pepper of at least thirty-two characters'));

describe('secret box', () => {
  it('opens what it sealed, for the same resource', () => {
    const sealed = box.seal('hunter2 ünïcode', 'res_1');
    expect(box.open(sealed, 'res_1')).toBe('hunter2 ünïcode');
  });

  it('never shows the plaintext in the sealed text, and seals the same value differently each time', () => {
    const a = box.seal('plain-value-123', 'res_1');
    expect(a).not.toContain('plain-value-123');
    expect(Buffer.from(a.split('.')[3] ?? '', 'base64url').toString('utf8')).not.toContain('plain-value-123');
    expect(box.seal('plain-value-123', 'res_1')).not.toBe(a);
  });

  it('refuses a value moved to another resource, altered, or sealed under another pepper', () => {
    const sealed = box.seal('value', 'res_1');
    expect(box.open(sealed, 'res_2')).toBeNull();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    expect(box.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'res_1')).toBeNull();
    expect(secretBox(Buffer.from('another pepper, also long enough!!')).open(sealed, 'res_1')).toBeNull();
    expect(box.open('not sealed', 'res_1')).toBeNull();
  });
});
