/** Time-zone names checked against the runtime's own list, and the bounded maps behind them. */
import { describe, expect, it } from 'vitest';
import { ALIAS_LIMIT, FORMATTER_LIMIT, checkTimeZone, dateFormatter, timeZoneCacheSizes } from './time-zones.js';

const LISTED = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

describe('a time-zone name', () => {
  it('of the list, or UTC, is itself', () => {
    expect(checkTimeZone('Europe/Paris', 'timeZone')).toEqual({ ok: true, value: 'Europe/Paris' });
    expect(checkTimeZone('UTC', 'timeZone')).toEqual({ ok: true, value: 'UTC' });
  });

  it('in another letter case is the listed spelling', () => {
    expect(checkTimeZone('asia/TOKYO', 'timeZone')).toEqual({ ok: true, value: 'Asia/Tokyo' });
  });

  it('that is an alias is the listed zone it stands for', () => {
    const checked = checkTimeZone('US/Pacific', 'timeZone');
    expect(checked.ok && LISTED.has(checked.value)).toBe(true);
  });

  it('that is no zone, or not one of this form, is refused naming the field', () => {
    for (const name of ['Mars/Olympus', '+05:30', '../etc/passwd', '']) {
      expect(checkTimeZone(name, 'timeZone')).toMatchObject({
        ok: false,
        problem: { code: 'VALIDATION', extra: { field: 'timeZone' } },
      });
    }
  });
});

describe('the time-zone caches', () => {
  it('hold at most their limits, whatever names they are asked for', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    for (const zone of zones) dateFormatter(zone);
    for (let i = 0; i < 2000; i++) checkTimeZone(`Nowhere/Place_${i}`, 'timeZone');
    expect(zones.length).toBeGreaterThan(FORMATTER_LIMIT);
    expect(timeZoneCacheSizes().formatters).toBe(FORMATTER_LIMIT);
    expect(timeZoneCacheSizes().aliases).toBeLessThanOrEqual(ALIAS_LIMIT);
  });
});
