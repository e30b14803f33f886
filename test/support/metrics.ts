/**
 * One sample of Prometheus text (`/metrics`): the value of the line naming `name`, with its labels
 * as the registry writes them (`keyward_verify_duration_seconds_count{outcome="valid"}`), or
 * without any; NaN when no line does.
 */
export function metricSample(text: string, name: string): number {
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  return line === undefined ? Number.NaN : Number(line.split(' ').pop());
}
