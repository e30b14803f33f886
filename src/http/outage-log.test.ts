import { describe, expect, it } from 'vitest';
import { outageLog } from './outage-log.js';

function recorder() {
  const lines: { level: string; details: Record<string, unknown>; message: string }[] = [];
  const log = {
    failure: (details: Record<string, unknown>, message: string) => lines.push({ level: 'error', details, message }),
    recovery: (details: Record<string, unknown>, message: string) => lines.push({ level: 'info', details, message }),
  };
  return { lines, log };
}

describe('outageLog', () => {
  it('logs the first failure of each kind, counts the repeats, and says once when the dependency answers again', () => {
    const { lines, log } = recorder();
    let now = 1000;
    const outages = outageLog('storage', log, () => now);
    for (let i = 0; i < 50; i++) outages.failed('verify', new Error('refused'), 'verify could not reach storage');
    for (let i = 0; i < 3; i++) outages.failed('changeLogRead', new Error('refused'), 'change log read failed');
    expect(outages.away).toBe(true);
    now = 4000;
    outages.answered();
    outages.answered();
    expect(lines.map((line) => [line.level, line.message.split(' (')[0]])).toEqual([
      ['error', 'verify could not reach storage'],
      ['error', 'change log read failed'],
      ['info', 'storage answers again'],
    ]);
    expect(lines[2]?.details).toEqual({ outageMs: 3000, suppressedRepeats: { verify: 49, changeLogRead: 2 } });
    expect(outages.away).toBe(false);
  });

  it('logs the first failure again in the next outage', () => {
    const { lines, log } = recorder();
    const outages = outageLog('storage', log);
    outages.failed('verify', new Error('a'), 'verify could not reach storage');
    outages.answered();
    outages.failed('verify', new Error('b'), 'verify could not reach storage');
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(2);
  });

  it('says nothing when the dependency answers and nothing failed', () => {
    const { lines, log } = recorder();
    outageLog('storage', log).answered();
    expect(lines).toEqual([]);
  });
});
