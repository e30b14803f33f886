import { describe, expect, it } from 'vitest';
import { ID_PREFIXES, idPattern, newId, requestIdGenerator, type IdKind } from './ids.js';

const KINDS = Object.keys(ID_PREFIXES) as IdKind[];
const NOW = Date.UTC(2026, 0, 1);

describe('ids', () => {
  it('start with the prefix of their kind', () => {
    expect(newId('key', NOW)).toMatch(/^key_/);
    expect(newId('tenant', NOW)).toMatch(/^ten_/);
    expect(newId('environment', NOW)).toMatch(/^env_/);
    expect(newId('user', NOW)).toMatch(/^usr_/);
  });

  it('match the id pattern of their kind, and not of another kind', () => {
    for (const kind of KINDS) {
      const id = newId(kind, NOW);
      expect(id).toMatch(new RegExp(idPattern(kind)));
      const other = KINDS.find((k) => k !== kind) ?? kind;
      expect(id).not.toMatch(new RegExp(idPattern(other)));
    }
  });

  it('differ when made in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('key', NOW)));
    expect(ids.size).toBe(1000);
  });

  it('sort as strings in the order they were made', () => {
    // Steps of very different sizes change different characters of the time part.
    const steps = [1, 31, 32, 1000, 1023, 1024, 86_400_000, 31 * 86_400_000, 366 * 86_400_000];
    let at = NOW;
    const made = [newId('key', at)];
    for (const step of steps) {
      at += step;
      made.push(newId('key', at));
    }
    expect([...made].sort()).toEqual(made);
  });

  it('sort in creation order across the whole range of plausible dates', () => {
    const times = [0, Date.UTC(1999, 0, 1), Date.UTC(2026, 0, 1), Date.UTC(2100, 0, 1), Date.UTC(9999, 11, 31)];
    const made = times.map((t) => newId('user', t));
    expect([...made].sort()).toEqual(made);
  });

  it('give request ids that are unique and prefixed req_', () => {
    const next = requestIdGenerator();
    const ids = Array.from({ length: 1000 }, () => next());
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^req_/);
  });
});
