import { describe, expect, it } from 'vitest';
import { boundedMap } from './bounded-map.js';

describe('a bounded map', () => {
  it('never holds more than its limit, whatever it is given', () => {
    const map = boundedMap<string, number>(8);
    for (let i = 0; i < 2000; i++) map.set(`key ${i}`, i);
    expect(map.size).toBe(8);
    expect(map.get('key 1999')).toBe(1999);
    expect(map.get('key 0')).toBeUndefined();
  });

  it('drops the least recently used entry, not the oldest one set', () => {
    const map = boundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.get('a');
    map.set('c', 3);
    expect(map.get('a')).toBe(1);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('c')).toBe(3);
  });

  it('refuses a limit below one', () => {
    expect(() => boundedMap(0)).toThrow(RangeError);
  });
});
