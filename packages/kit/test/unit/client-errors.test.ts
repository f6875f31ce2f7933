import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { answerClientErrors } from '../../src/http/client-errors';

/** Writes raw bytes to the server and reads the whole answer (the server closes the connection). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

describe('requests the HTTP parser refuses', () => {
  const server = http.createServer((_req, res) => res.end('ok'));
  answerClientErrors(server);
  let port: number;
  beforeAll(
    () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => ((port = (server.address() as AddressInfo).port), resolve()))),
  );
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when the headers are past the limit, then 431 problem+json', async () => {
    const answer = await raw(port, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toEqual({
      type: 'https://shop.example/problems/headers-too-large',
      title: 'Request headers too large',
      status: 431,
    });
  });

  it('when the request line is malformed, then 400 problem+json', async () => {
    const answer = await raw(port, 'GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toMatchObject({ status: 400, title: 'Malformed HTTP request' });
  });
});
