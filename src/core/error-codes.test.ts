/**
 * Results as values: a service's failure carries its code, detail and extra members to the one
 * HTTP mapping, and a success its value. What a caller then receives for each code of the table
 * (status, problem+json body, request id) is held in src/http/problem.test.ts, and the table's
 * documentation in test/docs-errors.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fail, ok, type Result } from './error-codes.js';

describe('a result', () => {
  it('carries a failure as a value with its code and detail, and extra members only when given', () => {
    expect(fail('CONFLICT', 'taken')).toEqual({ ok: false, problem: { code: 'CONFLICT', detail: 'taken' } });
    expect(fail('CONFLICT', 'taken')).not.toHaveProperty('problem.extra');
    expect(fail('VALIDATION', 'bad', { field: 'name' })).toEqual({
      ok: false,
      problem: { code: 'VALIDATION', detail: 'bad', extra: { field: 'name' } },
    });
  });

  it('carries a success as a value', () => {
    expect(ok(42)).toEqual({ ok: true, value: 42 });
    expect(ok(undefined)).toEqual({ ok: true, value: undefined });
  });

  it('lets a caller tell the two apart by ok alone', () => {
    const results: Result<number>[] = [ok(0), fail('NOT_FOUND', 'no such tenant')];
    expect(
      results.map((result) =>
        result.ok ? `value ${result.value}` : `${result.problem.code}: ${result.problem.detail}`,
      ),
    ).toEqual(['value 0', 'NOT_FOUND: no such tenant']);
  });
});
