/** `POST /v1/keys/import` and its batch form: existing keys adopted by their SHA-256 (issue 29, SPEC §4). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ImportedKeys, ImportKeyBody, ImportKeysBody } from '../../api/key-import.js';
import { Key } from '../../api/keys.js';
import { importKey, importKeyBatch } from '../../modules/keys/key-import.service.js';
import { getKey } from '../../modules/keys/keys.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['keys'];
const manage = { permission: 'users.manage' } as const;

export const keyImportRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/keys/import', {
    config: { requires: manage, action: 'key.import' },
    schema: {
      tags,
      operationId: 'importKey',
      summary:
        'Adopt an existing key by its SHA-256 and own prefix: verify accepts it as it is, and it rotates into Keyward’s format',
      body: ImportKeyBody,
      response: { 201: Key, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      const caller = callerOf(request);
      const imported = await importKey(deps, caller, request.body);
      return sendResult(request, reply, imported.ok ? await getKey(deps, caller, imported.value) : imported, 201);
    },
  });
  app.post('/v1/keys/import/batch', {
    config: { requires: manage, action: 'key.batch.import' },
    schema: {
      tags,
      operationId: 'importKeyBatch',
      summary: 'Adopt up to 1000 existing keys in one transaction, all or none (what `keyward keys import` sends)',
      body: ImportKeysBody,
      response: { 201: ImportedKeys, ...PROBLEM_RESPONSES },
    },
    bodyLimit: 4 * 1024 * 1024,
    handler: async (request, reply) =>
      sendResult(request, reply, await importKeyBatch(deps, callerOf(request), request.body.keys), 201),
  });
};
