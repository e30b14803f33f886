/** `GET /v1/model`: the authorization model in force. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ModelDescription } from '../../api/model.js';
import { describeModel } from '../../modules/model/model.service.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

export const modelRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  // The model is read-only after start: describe it once.
  const description = describeModel(context.deps.model);
  app.get('/v1/model', {
    config: { requires: { anyKey: true }, action: 'model.read' },
    schema: {
      tags: ['model'],
      operationId: 'getModel',
      summary:
        'The authorization model in force: types with their roles and parents, actions, levels, permissions and presets',
      response: { 200: ModelDescription, ...PROBLEM_RESPONSES },
    },
    handler: async () => description,
  });
};
