import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_BASE } from './middleware';

// What Node's HTTP parser refuses (headers past its limit, a malformed request line) never reaches Koa:
// Node answers it itself, with no body and no type. The same error model holds there too.

const PROBLEMS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers-too-large', 'Request headers too large'],
  HPE_REQUEST_TIMEOUT: [408, 'request-timeout', 'Request timeout'],
};
const MALFORMED: [number, string, string] = [400, 'malformed-request', 'Malformed HTTP request'];

/** Answers requests the HTTP parser refused with a small problem+json, then closes the connection. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset or closed connection can take no answer.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, title] = PROBLEMS[err.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({ type: PROBLEM_BASE + code, title, status });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
