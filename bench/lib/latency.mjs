/** Sequential verifies over one keep-alive connection, each timed: for cold misses and their reference hits. */
import { Agent, request } from 'node:http';
import { round } from './load.mjs';

function post(agent, url, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/verify`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Verifies each key once, in turn; `expect` is the code each must answer. */
export async function timeVerifies(url, keys, expect = 'VALID') {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  try {
    for (const key of keys) {
      const body = JSON.stringify({ key });
      const started = performance.now();
      const reply = await post(agent, url, body);
      times.push(performance.now() - started);
      const code = JSON.parse(reply.body).code;
      if (reply.status !== 200 || code !== expect) throw new Error(`verify answered ${reply.status} ${reply.body}`);
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  return { count: times.length, p50Ms: round(percentile(times, 50), 3), p99Ms: round(percentile(times, 99), 3) };
}

export { post };
