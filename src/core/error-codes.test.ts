import { describe, expect, it } from 'vitest';
import { ERROR_CODES, fail, ok } from './error-codes.js';

const ENTRIES = Object.entries(ERROR_CODES);

describe('error codes', () => {
  it('gives every code a 3-digit HTTP status', () => {
    for (const [code, { status }] of ENTRIES) {
      expect(Number.isInteger(status), code).toBe(true);
      expect(status, code).toBeGreaterThanOrEqual(100);
      expect(status, code).toBeLessThanOrEqual(599);
    }
  });

  it('gives every code a title', () => {
    for (const [code, { title }] of ENTRIES) expect(title.trim().length, code).toBeGreaterThan(0);
  });

  it('names codes in SCREAMING_SNAKE_CASE', () => {
    for (const [code] of ENTRIES) expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
  });

  it('answers VALID with 200 and nothing else with a 2xx', () => {
    for (const [code, { status }] of ENTRIES) expect(status >= 200 && status < 300, code).toBe(code === 'VALID');
  });

  it('carries a failure as a value with its code and detail', () => {
    expect(fail('CONFLICT', 'taken')).toEqual({ ok: false, problem: { code: 'CONFLICT', detail: 'taken' } });
    expect(fail('VALIDATION', 'bad', { field: 'name' })).toEqual({ ok: false, problem: { code: 'VALIDATION', detail: 'bad', extra: { field: 'name' } } });
  });

  it('carries a success as a value', () => {
    expect(ok(42)).toEqual({ ok: true, value: 42 });
  });
});
