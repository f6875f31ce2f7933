import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];
type Fields = Record<string, unknown>;

// What the JSON line has for machines (correlation, schema, the stack) and a reader at a terminal skips.
const HIDDEN = new Set([
  '@timestamp',
  'message',
  'log.level',
  'ecs.version',
  'service.name',
  'event.dataset',
  'http.request.id',
  'trace.id',
  'span.id',
  'error.stack_trace',
]);
// An access-log line shows these as "GET /products 200 3.1 ms" instead.
const REQUEST = new Set(['http.request.method', 'url.path', 'http.route', 'http.response.status_code', 'event.duration']);
// A stack's first line says both.
const STACK_SAYS = new Set(['error.type', 'error.message']);
const LEVELS: Record<string, Style> = { error: 'red', warn: 'yellow', info: 'green', debug: 'gray' };

// Colours are chosen where the format is (a terminal, or LOG_FORMAT=pretty), so the stream is not asked again:
// under `npm start` the app writes to a pipe that the runner copies to the developer's terminal.
const paint = (style: Style, text: string) => styleText(style, text, { validateStream: false });

const statusStyle = (status: number): Style => (status >= 500 ? 'red' : status >= 400 ? 'yellow' : status >= 300 ? 'cyan' : 'green');

const text = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
const show = (value: unknown): string => (typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value));

/**
 * One short, coloured line per log entry for a developer at a terminal: the time, the level, then for an
 * access-log entry "GET /products 200 3.1 ms", for any other the message and its own fields. An error's
 * stack follows on the next lines.
 */
export function prettyLine(info: Fields): string {
  const level = text(info['log.level']);
  const time = text(info['@timestamp']).slice(11, 23);
  const head = `${paint('dim', time)} ${paint(LEVELS[level] ?? 'white', level.toUpperCase().padEnd(5))}`;
  const stack = typeof info['error.stack_trace'] === 'string' ? `\n${paint('dim', info['error.stack_trace'])}` : '';
  const status = Number(info['http.response.status_code']);
  const body =
    info.message === 'request' && info['http.request.method'] !== undefined
      ? [
          paint('bold', text(info['http.request.method'])),
          text(info['url.path']),
          paint(statusStyle(status), String(status)),
          paint('dim', `${(Number(info['event.duration']) / 1e6).toFixed(1)} ms`),
          ...extras(info, REQUEST),
        ].join(' ')
      : [text(info.message), ...extras(info, stack ? STACK_SAYS : new Set())].join(' ');
  return `${head} ${body}${stack}`;
}

function extras(info: Fields, shown: ReadonlySet<string>): string[] {
  return Object.entries(info)
    .filter(([key, value]) => !HIDDEN.has(key) && !shown.has(key) && key !== 'level' && value !== undefined)
    .map(([key, value]) => `${paint('dim', `${key}=`)}${show(value)}`);
}
