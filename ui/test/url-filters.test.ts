/**
 * The Resources and Audit pages' filters as the URL keeps them (issue 26 item 1): read back as
 * written, anything the API would refuse left out of the request, blanks left out of the URL.
 */
import { describe, expect, it } from 'vitest';
import { auditFilterOf, auditFilterParams, auditQuery, NO_FILTER } from '../src/audit-filter';
import { resourceFilterOf, resourceFilterParams, resourcesQuery } from '../src/resource-filter';

const KEY = 'key_01hx0000000000000000000000';

describe('the Resources page filter', () => {
  it('reads back what it wrote, and leaves blanks out of the URL', () => {
    const filter = { q: 'billing', type: 'agent' };
    expect(resourceFilterParams(filter).toString()).toBe('q=billing&type=agent');
    expect(resourceFilterOf(resourceFilterParams(filter))).toEqual(filter);
    expect(resourceFilterParams({ q: '  ', type: '' }).toString()).toBe('');
  });

  it('drops a type the API would refuse, and sends a trimmed search with the cursor', () => {
    expect(resourceFilterOf(new URLSearchParams('type=no%20such&q=x')).type).toBe('');
    expect(resourcesQuery({ q: ' crm-7 ', type: '' }, 'abc')).toEqual({ limit: 50, q: 'crm-7', cursor: 'abc' });
    expect(resourcesQuery({ q: '', type: 'agent' }, null)).toEqual({ limit: 50, type: 'agent' });
  });
});

describe('the Audit page filter', () => {
  it('reads back what it wrote, under the names other pages link with', () => {
    const filter = {
      ...NO_FILTER,
      q: 'res_01',
      action: 'key.create',
      outcome: 'denied' as const,
      actorKeyId: KEY,
      targetId: 'pol_1',
      from: '2026-03-01T10:00',
    };
    const params = auditFilterParams(filter);
    expect(params.get('actor')).toBe(KEY);
    expect(params.get('target')).toBe('pol_1');
    expect(params.has('to')).toBe(false);
    expect(auditFilterOf(params)).toEqual(filter);
  });

  it('leaves out what the form could not hold, and asks newest first', () => {
    const filter = auditFilterOf(new URLSearchParams('outcome=maybe&actor=bob&from=yesterday&q=key.create'));
    expect(filter).toEqual({ ...NO_FILTER, q: 'key.create' });
    expect(auditQuery(filter, null)).toMatchObject({ order: 'desc', q: 'key.create', outcome: undefined });
  });
});
