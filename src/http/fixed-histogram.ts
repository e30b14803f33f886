/**
 * A Prometheus histogram for the verify path, whose label values are known up front (the outcome
 * classes). prom-client's own `observe`, even on a labelled child, builds a label object, checks
 * and hashes it on every call; here an observation is a scan of the bucket bounds and two
 * additions into typed arrays made at start, and prom-client is handed the totals when scraped
 * (`Registry.registerMetric` takes any metric with a name, help, type and `get()`). Its text is
 * the one prom-client's Histogram gives (test/http/metrics.test.ts compares them).
 */
import type { Metric, Registry } from 'prom-client';

/** One line of the exposition, as prom-client's metrics give them to the registry. */
interface Sample {
  readonly metricName: string;
  readonly labels: Record<string, string | number>;
  readonly value: number;
}

export interface FixedHistogram<Label extends string> {
  readonly name: string;
  readonly help: string;
  /** Counts one observation of `seconds` under `label` (one of those given at creation). */
  observe(label: Label, seconds: number): void;
  get(): Promise<{ name: string; help: string; type: 'histogram'; values: Sample[]; aggregator: 'sum' }>;
  /** Adds it to `registry` (typed for prom-client's own classes only, hence the cast). */
  register(registry: Registry): void;
}

export function fixedHistogram<Label extends string>(options: {
  name: string;
  help: string;
  labelName: string;
  labels: readonly Label[];
  buckets: readonly number[];
}): FixedHistogram<Label> {
  const { name, labelName, labels, buckets } = options;
  const width = buckets.length + 1; // the last cell counts what is above every bound (+Inf only)
  const indexOf = new Map<Label, number>(labels.map((label, index) => [label, index]));
  const counts = new Float64Array(labels.length * width);
  const sums = new Float64Array(labels.length);
  const bounds = Float64Array.from(buckets);
  const histogram: FixedHistogram<Label> = {
    name,
    help: options.help,
    observe(label, seconds) {
      const row = indexOf.get(label);
      if (row === undefined) return;
      let cell = 0;
      while (cell < bounds.length && seconds > (bounds[cell] as number)) cell++;
      const at = row * width + cell;
      counts[at] = (counts[at] as number) + 1;
      sums[row] = (sums[row] as number) + seconds;
    },
    async get() {
      const values: Sample[] = [];
      labels.forEach((label, row) => {
        let total = 0;
        for (let cell = 0; cell < width; cell++) {
          total += counts[row * width + cell] as number;
          const le = cell < bounds.length ? (bounds[cell] as number) : '+Inf';
          values.push({ metricName: `${name}_bucket`, labels: { le, [labelName]: label }, value: total });
        }
        values.push({ metricName: `${name}_sum`, labels: { [labelName]: label }, value: sums[row] as number });
        values.push({ metricName: `${name}_count`, labels: { [labelName]: label }, value: total });
      });
      return { name, help: options.help, type: 'histogram', values, aggregator: 'sum' };
    },
    register(registry) {
      registry.registerMetric(histogram as unknown as Metric);
    },
  };
  return histogram;
}
