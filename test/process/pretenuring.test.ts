/**
 * A process that serves turns V8's allocation-site pretenuring off (src/http/pretenuring.ts), at
 * run time, which Node does not promise to honour for every flag: seen here through V8's own
 * trace, in a process that calls it and then makes a million objects from one literal, kept until
 * the next young collection (the pattern V8 pretenures). A node started with the flag named keeps
 * what its operator chose. `keyward serve` calls it first thing (src/http/server.ts).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = pathToFileURL(resolve(import.meta.dirname, '../../dist/http/pretenuring.js')).href;

const SCRIPT = `
const { stopPretenuring } = await import(${JSON.stringify(MODULE)});
stopPretenuring();
const make = (i) => ({ i, next: null });
for (let round = 0; round < 3; round++) {
  let kept = [];
  for (let i = 0; i < 1_000_000; i++) kept.push(make(i));
  kept = null;
}
`;

/** V8's pretenuring decisions (`=> tenure`) the process reported. */
function tenureDecisions(nodeFlags: string[]): string[] {
  const run = spawnSync(
    process.execPath,
    [...nodeFlags, '--trace-pretenuring', '--trace-pretenuring-statistics', '--input-type=module', '-e', SCRIPT],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').filter((line) => line.includes('=> tenure'));
}

describe('V8 pretenuring in a process that serves', () => {
  it('is off once stopPretenuring ran: V8 decides to pretenure nothing', () => {
    expect(tenureDecisions([])).toEqual([]);
  });

  it('stays on where node was started with --allocation-site-pretenuring', () => {
    expect(tenureDecisions(['--allocation-site-pretenuring']).length).toBeGreaterThan(0);
  });
});
