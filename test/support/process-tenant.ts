/** A tenant and one environment made with the root key of a server started as a process (server-process.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerProcess } from './server-process.js';

export interface ProcessTenant {
  readonly rootKey: string;
  readonly tenantId: string;
  readonly environmentId: string;
}

export async function tenantInProcess(server: ServerProcess, name: string): Promise<ProcessTenant> {
  const rootKey = readFileSync(join(server.cwd, 'data', 'root.key'), 'utf8').trim();
  const post = async (path: string, body: unknown) =>
    (await (
      await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rootKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as { id: string };
  const tenant = await post('/v1/tenants', { name });
  const environment = await post('/v1/environments', { tenantId: tenant.id, name: 'production' });
  return { rootKey, tenantId: tenant.id, environmentId: environment.id };
}
