import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { fixedHistogram } from './fixed-histogram.js';

describe('fixedHistogram', () => {
  it('exposes the same text as prom-client’s Histogram for the same observations', async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const ours = new Registry();
    const theirs = new Registry();
    const fixed = fixedHistogram({
      name: 'h_seconds',
      help: 'help',
      labelName: 'outcome',
      labels: ['a', 'b'] as const,
      buckets,
    });
    fixed.register(ours);
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'help',
      labelNames: ['outcome'],
      buckets,
      registers: [theirs],
    });
    const observations: ['a' | 'b', number][] = [
      ['a', 0.0005],
      ['a', 0.001],
      ['a', 0.05],
      ['b', 2],
      ['a', 7],
      ['b', 0.01],
    ];
    for (const [label, seconds] of observations) {
      fixed.observe(label, seconds);
      reference.observe({ outcome: label }, seconds);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('ignores a label it was not made with', async () => {
    const registry = new Registry();
    const fixed = fixedHistogram({
      name: 'h_seconds',
      help: 'help',
      labelName: 'outcome',
      labels: ['a'],
      buckets: [1],
    });
    fixed.register(registry);
    (fixed.observe as (label: string, seconds: number) => void)('z', 0.5);
    expect(await registry.metrics()).toContain('h_seconds_count{outcome="a"} 0');
    expect(await registry.metrics()).not.toContain('outcome="z"');
  });
});
