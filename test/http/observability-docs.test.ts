/**
 * docs/observability.md, its alerts, the Grafana dashboard and README's operations section name
 * only metrics a node serves: an operator building alerts from them gets series that exist.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/databases.js';
import { readRepoFile } from '../support/deploy-files.js';
import { keywardForSuite } from '../support/suite-keyward.js';

/** `keyward_…` names in a text, without the series suffixes of a histogram. */
function metricNames(text: string): string[] {
  const names = text.match(/\bkeyward_[a-z_]+[a-z]\b/g) ?? [];
  return [...new Set(names.map((name) => name.replace(/_(bucket|count|sum)$/, '')))];
}

/** Every PromQL expression of the dashboard. */
function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readRepoFile('deploy/grafana/keyward.json')) as {
    panels: { targets: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
}

describe.each(sqliteOnly())('the metrics the docs name, on $name', (db) => {
  let served: Set<string>;
  // With Redis configured (nobody answers here), so its gauges are served too.
  const kw = keywardForSuite(db, { config: { redisUrl: 'redis://127.0.0.1:1' } });
  beforeAll(async () => {
    const text = (await kw.client().get('/metrics')).body as string;
    served = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] as string));
  });

  it('serves every metric docs/observability.md names', () => {
    const named = metricNames(readRepoFile('docs/observability.md'));
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !served.has(name))).toEqual([]);
  });

  it('serves every metric the Grafana dashboard queries', () => {
    const expressions = dashboardExpressions();
    expect(expressions.length).toBeGreaterThan(10);
    const named = metricNames(expressions.join('\n'));
    expect(named.filter((name) => !served.has(name))).toEqual([]);
    // The dashboard shows the histograms, not only the counters.
    expect(named).toEqual(
      expect.arrayContaining([
        'keyward_verify_duration_seconds',
        'keyward_http_request_duration_seconds',
        'keyward_change_log_lag_seconds',
      ]),
    );
  });

  it('names the latency histograms in README’s operations section, and they are histograms', async () => {
    const section =
      readRepoFile('README.md')
        .split(/^## /m)
        .find((part) => part.startsWith('Operations')) ?? '';
    const named = metricNames(section);
    expect(named).toEqual(
      expect.arrayContaining(['keyward_verify_duration_seconds', 'keyward_http_request_duration_seconds']),
    );
    expect(named.filter((name) => !served.has(name))).toEqual([]);
    const text = (await kw.client().get('/metrics')).body as string;
    expect(text).toContain('# TYPE keyward_verify_duration_seconds histogram');
    expect(text).toContain('# TYPE keyward_http_request_duration_seconds histogram');
  });
});
