/**
 * A key's verifies per UTC day, stacked by verdict (`GET /v1/keys/{id}/usage`), drawn with
 * recharts; the same numbers follow as a table for screen readers and for reading exact values.
 */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { KeyUsageObject } from './api';

const CODE_COLOURS: Record<string, string> = {
  VALID: '#2da44e',
  FORBIDDEN: '#d4a72c',
  EXPIRED: '#8c959f',
  DISABLED: '#6e7781',
  REVOKED: '#cf222e',
  RATE_LIMITED: '#8250df',
  USAGE_EXCEEDED: '#bf3989',
  MFA_REQUIRED: '#0969da',
};
const OTHER_COLOUR = '#57606a';
const DAY_MS = 86_400_000;

export interface UsageRow {
  readonly day: string;
  readonly [code: string]: number | string;
}

/** Every day from the first asked to the last, zero where the API lists none, one column per code. */
export function usageRows(usage: KeyUsageObject, days = 30, today = new Date()): { rows: UsageRow[]; codes: string[] } {
  const byDay = new Map(usage.days.map((day) => [day.day, day.byCode]));
  const codes = [...new Set(usage.days.flatMap((day) => Object.keys(day.byCode)))].sort((a, b) =>
    a === 'VALID' ? -1 : b === 'VALID' ? 1 : a.localeCompare(b),
  );
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const rows: UsageRow[] = [];
  for (let offset = days - 1; offset >= 0; offset -= 1) {
    const day = new Date(end - offset * DAY_MS).toISOString().slice(0, 10);
    const counts = byDay.get(day) ?? {};
    rows.push({ day, ...Object.fromEntries(codes.map((code) => [code, counts[code] ?? 0])) });
  }
  return { rows, codes };
}

export function UsageChart({ usage }: { usage: KeyUsageObject }) {
  const { rows, codes } = usageRows(usage);
  return (
    <figure className="usage" aria-labelledby="usage-caption">
      <figcaption id="usage-caption">
        Verifies per day over the last 30 days, by verdict: {usage.total} in all.
      </figcaption>
      <div className="chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--line)" />
            <XAxis
              dataKey="day"
              tickFormatter={(day: string) => day.slice(5)}
              tick={{ fill: 'var(--muted)', fontSize: 12 }}
              minTickGap={16}
            />
            <YAxis allowDecimals={false} tick={{ fill: 'var(--muted)', fontSize: 12 }} />
            <Tooltip contentStyle={{ background: 'var(--bg)', borderColor: 'var(--line)' }} />
            <Legend />
            {codes.map((code) => (
              <Bar
                key={code}
                dataKey={code}
                stackId="verdicts"
                fill={CODE_COLOURS[code] ?? OTHER_COLOUR}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>Usage as a table</summary>
        {usage.days.length === 0 ? (
          <p className="help">No verifies in this period.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Verifies</th>
                <th scope="col">By verdict</th>
              </tr>
            </thead>
            <tbody>
              {usage.days.map((day) => (
                <tr key={day.day}>
                  <th scope="row">{day.day}</th>
                  <td>{day.count}</td>
                  <td>
                    {Object.entries(day.byCode)
                      .map(([code, count]) => `${code} ${count}`)
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </figure>
  );
}
