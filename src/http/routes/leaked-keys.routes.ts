/**
 * `POST /v1/leaked-keys`: a secret scanner's report (GitHub's partner format) in, its feedback
 * format out (docs/leaked-keys.md). No key: the reported secrets are the credential, and the
 * route is throttled per source, each candidate that could cost a lookup counted.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LeakFeedback, LeakReport } from '../../api/leaked-keys.js';
import { isWellFormedKey } from '../../core/key-format.js';
import { createLeakReport } from '../../modules/leaked-keys/leaked-keys.service.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

export const leakedKeyRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps, floods }) => {
  app.post('/v1/leaked-keys', {
    config: { requires: { public: true }, action: 'leakReport.create' },
    // A scanner batches its findings: up to 1000 candidates, more than the 64 KiB other calls may send.
    bodyLimit: 1024 * 1024,
    schema: {
      tags: ['leaked keys'],
      operationId: 'createLeakReport',
      summary: "Report leaked secrets (GitHub's secret-scanning partner format): real keys are revoked, each labelled",
      body: LeakReport,
      response: { 200: LeakFeedback, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      const cost = 1 + request.body.filter((candidate) => isWellFormedKey(candidate.token)).length;
      if (floods.throttleLeakReport(request, reply, cost) !== null) return reply;
      return createLeakReport(deps, request.body, { requestId: request.id, sourceIp: request.ip });
    },
  });
};
