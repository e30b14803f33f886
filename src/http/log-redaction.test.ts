import { describe, expect, it } from 'vitest';
import { generateKey } from '../core/key-format.js';
import { logSerializers, redactUrl } from './log-redaction.js';

describe('what the log may say of a URL or an error', () => {
  const key = generateKey('kw');

  it('keeps a query string’s names and drops every value', () => {
    expect(redactUrl(`/v1/me?key=${key}&limit=5`)).toBe('/v1/me?key=[redacted]&limit=[redacted]');
  });

  it('masks a key in the path, percent-encoded or not', () => {
    expect(redactUrl(`/v1/keys/${key}`)).toBe('/v1/keys/[redacted]');
    expect(redactUrl(`/v1/keys/${key.replace('_', '%5F')}`)).toBe('/v1/keys/[redacted]');
    expect(redactUrl(`/v1/keys/${key.replace('_', '%5F')}%E0%A4%A`)).not.toContain(key.slice(3));
  });

  it('masks a key in an error’s message and stack', () => {
    const logged = logSerializers.err(new Error(`invalid input syntax: "${key}"`));
    expect(JSON.stringify(logged)).not.toContain(key);
    expect(logged.message).toBe('invalid input syntax: "[redacted]"');
  });
});
