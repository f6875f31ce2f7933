// Issue 5's promise, checked on the sources: brokers and stores are chosen in component YAML, so no
// service's CODE names one. Each source file under services/*/src is tokenised (TypeScript's own
// scanner), and every identifier, string, template and import path is matched against the products
// Dapr puts behind a component. Comments are not code: one that explains a product's behaviour (why a
// transaction on Redis needs one key) stays allowed. PostgreSQL is not on the list: the services that
// keep relational data use it directly, through TypeORM and their data source files, by design (DESIGN.md),
// and their config documents that the secret holds a PostgreSQL URL.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { repoRoot } from '@shop/testkit';

const PRODUCTS =
  /redis|rabbit|amqp|jetstream|\bnats\b|mqtt|mosquitto|maria|mysql|kafka|pulsar|mongo|cassandra|cosmos|dynamo|memcache|zookeeper|etcd|consul|servicebus|eventhub|sqs\b|sns\b|pubsub\.|state\.|secretstores\./i;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Every code token of a file that is a name or a literal, with its line. */
function codeTokens(file: string): { text: string; line: number }[] {
  const text = fs.readFileSync(file, 'utf8');
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia (comments) */ true, ts.LanguageVariant.Standard, text);
  const out: { text: string; line: number }[] = [];
  const kinds = new Set([
    ts.SyntaxKind.Identifier,
    ts.SyntaxKind.StringLiteral,
    ts.SyntaxKind.NoSubstitutionTemplateLiteral,
    ts.SyntaxKind.TemplateHead,
    ts.SyntaxKind.TemplateMiddle,
    ts.SyntaxKind.TemplateTail,
  ]);
  // Open braces inside each `${` of the templates being read: the scanner cannot tell the `}` that
  // resumes a template from any other without this count, so it is asked to re-scan exactly that one.
  const templates: number[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken && templates.length) templates[templates.length - 1]!++;
    if (kind === ts.SyntaxKind.CloseBraceToken && templates.length) {
      if (templates[templates.length - 1] === 0) kind = scanner.reScanTemplateToken(false);
      else templates[templates.length - 1]!--;
    }
    if (kind === ts.SyntaxKind.TemplateHead) templates.push(0);
    if (kind === ts.SyntaxKind.TemplateTail) templates.pop();
    if (kinds.has(kind)) out.push({ text: scanner.getTokenText(), line: text.slice(0, scanner.getTokenStart()).split('\n').length });
  }
  return out;
}

const files = fs
  .readdirSync(path.join(repoRoot, 'services'))
  .filter((s) => fs.existsSync(path.join(repoRoot, 'services', s, 'src')))
  .flatMap((s) => sourceFiles(path.join(repoRoot, 'services', s, 'src')));

describe('service sources', () => {
  it('when read, then there are sources to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('when tokenised, then no code names a broker, a Dapr-backed store or a component type', () => {
    const hits = files.flatMap((f) =>
      codeTokens(f)
        .filter((t) => PRODUCTS.test(t.text))
        .map((t) => `${path.relative(repoRoot, f)}:${t.line} ${t.text}`),
    );
    expect(hits).toEqual([]);
  });

  it('when a product is named in code, then the check sees it (and not in a comment)', () => {
    const probe = path.join(repoRoot, '.tmp', `names-probe-${process.pid}.ts`);
    fs.mkdirSync(path.dirname(probe), { recursive: true });
    fs.writeFileSync(probe, "// Redis in a comment is fine\nconst store = 'redis-state';\nconst url = `amqp://${store}/x`;\n");
    try {
      expect(
        codeTokens(probe)
          .filter((t) => PRODUCTS.test(t.text))
          .map((t) => t.line),
      ).toEqual([2, 3]);
    } finally {
      fs.rmSync(probe);
    }
  });
});
