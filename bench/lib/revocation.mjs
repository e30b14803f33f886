/**
 * (g) Revocation across nodes: three `keyward serve` processes on one PostgreSQL schema. Each
 * key is verified on nodes 2 and 3 (so both hold it in cache), then revoked through node 1;
 * the time from the revoke request to the moment both other nodes answer REVOKED is one sample.
 */
import { Agent } from 'node:http';
import { post } from './latency.mjs';
import { percentile } from './latency.mjs';
import { round } from './load.mjs';

async function verifyCode(agent, url, key) {
  const reply = await post(agent, url, JSON.stringify({ key }));
  return JSON.parse(reply.body).code;
}

async function untilRevoked(agent, url, key, started) {
  for (;;) {
    if ((await verifyCode(agent, url, key)) === 'REVOKED') return performance.now() - started;
  }
}

export async function measureRevocations(nodes, rootKey, keys) {
  const [first, ...others] = nodes;
  const agents = others.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const samples = [];
  try {
    for (const { key, id } of keys) {
      for (const [i, node] of others.entries()) {
        const code = await verifyCode(agents[i], node.url, key);
        if (code !== 'VALID') throw new Error(`node ${node.url} answered ${code} before the revocation`);
      }
      const started = performance.now();
      const revoked = fetch(`${first.url}/v1/keys/${id}/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rootKey}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const seen = await Promise.all(others.map((node, i) => untilRevoked(agents[i], node.url, key, started)));
      const response = await revoked;
      if (!response.ok) throw new Error(`revoke: ${response.status} ${await response.text()}`);
      samples.push(Math.max(...seen));
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
  samples.sort((a, b) => a - b);
  return {
    nodes: nodes.length,
    revocations: samples.length,
    p50Ms: round(percentile(samples, 50), 2),
    p99Ms: round(percentile(samples, 99), 2),
    maxMs: round(samples[samples.length - 1], 2),
  };
}
