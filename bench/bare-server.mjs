/**
 * The baseline of `npm run bench`: a bare Fastify 5 route, default options, that parses the same
 * JSON body verify gets and answers a fixed verdict. Prints its address.
 */
import Fastify from 'fastify';

const bare = Fastify();
bare.post('/v1/verify', async () => ({ valid: true }));
const url = await bare.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(url + '\n');
process.on('SIGTERM', () => bare.close().then(() => process.exit(0)));
