import { isAscii } from 'node:buffer';
import type { Context, Middleware } from 'koa';
import { AppError, MAX_LISTED_PROBLEMS, ValidationError, type FieldProblem } from '../errors';

// Text a client sends must be text every store can hold: PostgreSQL refuses NUL (U+0000) in text and
// fails the whole statement, which the client would see as a 5xx. Node decodes invalid UTF-8 to U+FFFD
// without a word, so it is caught on the bytes, before anything decodes them: the percent-encoded path
// and query, and the body (the kit's body parser keeps its bytes as latin1, one character per byte).
// Lone surrogates (`"\ud800"` in JSON) are no text either. Any of these is a 400 naming the field.

const NUL_MESSAGE = 'must not contain NUL characters';
const UTF8_MESSAGE = 'must be valid UTF-8 text';
/** Deeper JSON than any request of ours; refusing it keeps recursive code downstream safe. */
const MAX_DEPTH = 32;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Invalid bytes of a body are replaced by this (a lone surrogate, which no valid UTF-8 decodes to), so
// that the string holding them is found by the same check as a JSON-escaped lone surrogate.
const INVALID_BYTE = '\uD800';

/** What is wrong with a decoded text, if anything. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\0')) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(text)) return UTF8_MESSAGE;
  return undefined;
}

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
/** A field name safe to show: what made the text invalid becomes U+FFFD. */
const shown = (text: string): string => text.replace(/\0/g, '\uFFFD').replace(LONE_SURROGATES, '\uFFFD');

class Problems {
  readonly list: FieldProblem[] = [];
  total = 0;

  add(field: string, message: string): void {
    this.total += 1;
    if (this.list.length < MAX_LISTED_PROBLEMS) this.list.push({ field: shown(field), message });
  }

  throwIfAny(): void {
    if (this.total > 0) throw new ValidationError(this.list, undefined, { total: this.total });
  }
}

/** Whether any string or property name in a JSON value is not text (a decoded cursor, for one). */
export function hasInvalidText(value: unknown): boolean {
  const problems = new Problems();
  checkJsonText(value, '', problems);
  return problems.total > 0;
}

/** Checks every string and property name of a parsed JSON value; iterative, so depth cannot blow the stack. */
function checkJsonText(value: unknown, root: string, problems: Problems): void {
  const stack: Array<{ value: unknown; field: string; depth: number }> = [{ value, field: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, field, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) problems.add(field, problem);
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_DEPTH) {
        problems.add(field, `must not be nested more than ${MAX_DEPTH} levels deep`);
        continue;
      }
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], field: `${field}[${i}]`, depth: depth + 1 });
      } else {
        for (const [key, item] of Object.entries(v as Record<string, unknown>).reverse()) {
          const keyProblem = textProblem(key);
          if (keyProblem) problems.add(`${field}.${key}`, `has a property name that ${keyProblem}`);
          stack.push({ value: item, field: `${field}.${key}`, depth: depth + 1 });
        }
      }
    }
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text; each invalid UTF-8 sequence becomes a lone surrogate, so its string fails `textProblem`. */
export function utf8Text(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return markInvalid(bytes);
  }
}

function markInvalid(bytes: Buffer): string {
  let text = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    text += bytes.toString('utf8', start, i) + INVALID_BYTE;
    i += 1;
    start = i;
  }
  return text + bytes.toString('utf8', start);
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7), or 0 when there is none. */
function sequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  const second = b[i + 1]!;
  const low = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
  const high = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
  if (second < low || second > high) return 0;
  for (let k = 2; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return n;
}

/** A percent-encoded component, decoded; undefined when its escapes are not UTF-8. */
function decoded(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch {
    return undefined;
  }
}

function checkPath(path: string, problems: Problems): void {
  for (const segment of path.split('/')) {
    const text = decoded(segment);
    const problem = text === undefined ? UTF8_MESSAGE : textProblem(text);
    if (problem) return problems.add('path', problem);
  }
}

function checkQuery(querystring: string, problems: Problems): void {
  if (querystring === '') return;
  for (const pair of querystring.split('&')) {
    const at = pair.indexOf('=');
    const [rawKey, rawValue] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    const key = decoded(rawKey.replace(/\+/g, ' '));
    if (key === undefined) {
      problems.add('query', `has a parameter name that ${UTF8_MESSAGE}`);
      continue;
    }
    const keyProblem = textProblem(key);
    if (keyProblem) problems.add(`query.${key}`, `has a parameter name that ${keyProblem}`);
    const value = decoded(rawValue.replace(/\+/g, ' '));
    const problem = value === undefined ? UTF8_MESSAGE : textProblem(value);
    if (problem) problems.add(`query.${key}`, problem);
  }
}

/** The parser accepted the same structure (only the strings' contents differ), so this fails only on a bug. */
function reparsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError({ status: 400, code: 'bad-request', title: 'Bad request', detail: 'The body is not valid JSON' });
  }
}

/**
 * Refuses (400, naming the field) a path, query or JSON body with NUL, invalid UTF-8 or lone surrogates.
 * Runs after the body parser, which must decode bodies as latin1: the guard decodes them again, strictly.
 */
export function textGuard(): Middleware {
  return async (ctx: Context, next) => {
    const problems = new Problems();
    checkPath(ctx.path, problems);
    checkQuery(ctx.querystring, problems);
    const request = ctx.request as { body?: unknown; rawBody?: unknown };
    if (typeof request.rawBody === 'string' && request.rawBody !== '') {
      const bytes = Buffer.from(request.rawBody, 'latin1');
      // ASCII reads the same in latin1 and UTF-8: only a body with other bytes is decoded (and parsed) again.
      if (!isAscii(bytes)) {
        const text = utf8Text(bytes);
        request.rawBody = text;
        request.body = reparsed(text);
      }
      checkJsonText(request.body, 'body', problems);
    }
    problems.throwIfAny();
    await next();
  };
}
