import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import winston from 'winston';
import { ConfigError, createLogger, logFormatFrom, runWithContext, type LogFormat } from '../../src';

/** Logs a request, a refusal and a failure inside one request's context; returns what was written. */
function logOneRequest(format?: LogFormat): string {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const transports = [new winston.transports.Stream({ stream })];
  const logger = createLogger({ service: 'catalog', ...(format ? { format } : {}), transports });
  const context = { requestId: 'req-7', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
  runWithContext(context, () => {
    logger.info('request', {
      'http.request.method': 'GET',
      'url.path': '/products',
      'http.route': '/products',
      'http.response.status_code': 200,
      'event.duration': 3_140_000,
    });
    logger.warn('request rejected', { 'error.code': 'overloaded', 'error.message': 'try again' });
    logger.error('request failed', { err: new TypeError('hunter2 is not a function') });
  });
  return chunks.join('');
}

describe('createLogger', () => {
  it('when the format is json, then each line is one ECS object with dotted fields and the request context', () => {
    const lines = logOneRequest('json')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      message: 'request',
      'log.level': 'info',
      'service.name': 'catalog',
      'ecs.version': expect.stringMatching(/^8\./),
      'http.request.id': 'req-7',
      'trace.id': '4bf92f3577b34da6a3ce929d0e0e4736',
      'span.id': '00f067aa0ba902b7',
      'http.request.method': 'GET',
      'url.path': '/products',
      'http.response.status_code': 200,
    });
    expect(lines[0]!['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines[0]).not.toHaveProperty('level');
    expect(lines[2]).toMatchObject({
      'log.level': 'error',
      'error.type': 'TypeError',
      'error.message': 'hunter2 is not a function',
      'error.stack_trace': expect.stringContaining('TypeError: hunter2 is not a function\n    at '),
    });
    expect(lines[2]).not.toHaveProperty('err');
    expect(lines[2]).not.toHaveProperty('error');
  });

  it('when the format is pretty, then a request is one short coloured line, and an error is followed by its stack', () => {
    const text = logOneRequest('pretty');
    expect(text).toContain('\u001b[');
    const lines = stripVTControlCharacters(text).split('\n');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET \/products 200 3\.1 ms$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}request rejected error\.code=overloaded error\.message="try again"$/);
    expect(lines[2]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR request failed$/);
    expect(lines[3]).toBe('TypeError: hunter2 is not a function');
    expect(lines[4]).toMatch(/^ {4}at /);
    expect(text).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('when transports are given without a format, then JSON lines, whatever LOG_FORMAT says (tests parse them)', () => {
    const before = process.env.LOG_FORMAT;
    process.env.LOG_FORMAT = 'pretty';
    try {
      expect(JSON.parse(logOneRequest().split('\n')[0]!)).toMatchObject({ message: 'request' });
    } finally {
      if (before === undefined) delete process.env.LOG_FORMAT;
      else process.env.LOG_FORMAT = before;
    }
  });
});

describe('logFormatFrom', () => {
  it('when LOG_FORMAT is unset, then pretty at a terminal and JSON lines anywhere else', () => {
    expect(logFormatFrom(undefined, true)).toBe('pretty');
    expect(logFormatFrom(undefined, false)).toBe('json');
    expect(logFormatFrom('', false)).toBe('json');
  });

  it('when LOG_FORMAT is set, then it wins over the terminal check; another value stops start-up', () => {
    expect(logFormatFrom('json', true)).toBe('json');
    expect(logFormatFrom('pretty', false)).toBe('pretty');
    expect(() => logFormatFrom('colour', true)).toThrow(ConfigError);
  });
});
