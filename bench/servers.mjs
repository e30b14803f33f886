/**
 * Child process of `npm run bench`: serves Keyward and, as the baseline, a bare Fastify route
 * that parses the same JSON body and answers a fixed verdict. Prints their addresses as JSON.
 */
import Fastify from 'fastify';
import { seededKeyward } from './fixture.mjs';

const { keyward, key, rootKey } = await seededKeyward();
const keywardUrl = await keyward.app.listen({ host: '127.0.0.1', port: 0 });

const bare = Fastify({ logger: false });
bare.post('/verify', async () => ({ valid: true, code: 'VALID' }));
const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

process.stdout.write(JSON.stringify({ keywardUrl, bareUrl, key, rootKey }) + '\n');
process.on('SIGTERM', async () => {
  await bare.close();
  await keyward.close();
  process.exit(0);
});
