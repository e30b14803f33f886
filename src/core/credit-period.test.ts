/**
 * Credit periods as the calendar of a time zone reads them: where a day or a month starts and
 * ends (DST days of 23 hours, offsets of 45 minutes, a day that starts at 01:00), and that the
 * periods of a zone tile time, so ordering them by their instants is ordering them by the calendar.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditPeriod } from './credit-period.js';

const HOUR = 3_600_000;

describe('a credit period', () => {
  it('is the UTC day from midnight to midnight', () => {
    expect(creditPeriod('day', 'UTC', Date.UTC(2026, 2, 1, 12))).toEqual({
      label: '2026-03-01',
      start: Date.UTC(2026, 2, 1),
      end: Date.UTC(2026, 2, 2),
    });
  });

  it("is the tenant's day: New York's midnight is 05:00 UTC in winter", () => {
    expect(creditPeriod('day', 'America/New_York', Date.UTC(2026, 2, 2, 4, 59))).toMatchObject({
      label: '2026-03-01',
      end: Date.UTC(2026, 2, 2, 5),
    });
  });

  it('lasts 23 hours on the day DST starts', () => {
    const day = creditPeriod('day', 'America/New_York', Date.UTC(2026, 2, 8, 12));
    expect(day).toMatchObject({ label: '2026-03-08', start: Date.UTC(2026, 2, 8, 5), end: Date.UTC(2026, 2, 9, 4) });
    expect(day.end - day.start).toBe(23 * HOUR);
  });

  it('starts at 01:00 where DST skips midnight (Santiago, first Sunday of September)', () => {
    expect(creditPeriod('day', 'America/Santiago', Date.UTC(2026, 8, 6, 12))).toMatchObject({
      label: '2026-09-06',
      start: Date.UTC(2026, 8, 6, 4),
    });
  });

  it('follows an offset of 5 h 45 min (Kathmandu)', () => {
    expect(creditPeriod('day', 'Asia/Kathmandu', Date.UTC(2026, 2, 1, 12)).start).toBe(Date.UTC(2026, 1, 28, 18, 15));
  });

  it('is the calendar month, ending at the next month in the zone (Berlin moves to summer time in March)', () => {
    expect(creditPeriod('month', 'Europe/Berlin', Date.UTC(2026, 2, 15))).toEqual({
      label: '2026-03',
      start: Date.UTC(2026, 1, 28, 23),
      end: Date.UTC(2026, 2, 31, 22),
    });
  });

  it('reads an unknown stored zone as UTC rather than failing', () => {
    expect(creditPeriod('day', 'Mars/Olympus', Date.UTC(2026, 2, 1, 12)).start).toBe(Date.UTC(2026, 2, 1));
  });

  it('tiles time in every zone: each period holds its instants and the next starts where it ends', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom('day' as const, 'month' as const),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }),
        (zone, interval, at) => {
          const period = creditPeriod(interval, zone, at);
          expect(period.start).toBeLessThanOrEqual(at);
          expect(period.end).toBeGreaterThan(at);
          expect(creditPeriod(interval, zone, period.end - 1).label).toBe(period.label);
          const next = creditPeriod(interval, zone, period.end);
          expect(next.start).toBe(period.end);
          expect(next.label > period.label).toBe(true);
        },
      ),
      { numRuns: 300, seed: 21 },
    );
  });
});
