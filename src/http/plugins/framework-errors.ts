/**
 * Failures Fastify answers before any route or hook runs, as problem details like every other
 * (SPEC §5): a path parameter longer than the router takes (414), a URL that is not valid
 * percent-encoding (400), and the connection-level errors Node's parser reports (a header block
 * too large, a malformed request line, a client too slow).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../../core/error-codes.js';
import { PROBLEM_CONTENT_TYPE, problemBody, sendProblem } from '../problem.js';

function frameworkProblem(error: FastifyError): Problem {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return { code: 'VALIDATION', detail: 'a path segment of the URL is too long', status: 414 };
  if (error.code === 'FST_ERR_BAD_URL')
    return { code: 'VALIDATION', detail: 'the URL is not valid percent-encoding', status: 400 };
  return { code: 'VALIDATION', detail: 'the request is invalid', status: error.statusCode ?? 400 };
}

export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // The onRequest hook that sets it has not run for these.
  reply.header('x-request-id', request.id);
  // The message would repeat the URL, which may hold a key: it is not logged either.
  void sendProblem(request, reply, frameworkProblem(error));
}

/** Answers a connection Node could not parse into a request, then closes it. */
export function clientErrorHandler(
  nextRequestId: () => string,
): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const requestId = nextRequestId();
    const detail =
      status === 408
        ? 'the request took too long to arrive'
        : status === 431
          ? 'the request line and headers are too large'
          : 'the request is not valid HTTP';
    const body = JSON.stringify(problemBody({ code: 'VALIDATION', detail, status }, requestId));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n\r\n${body}`,
    );
  };
}
