import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the server is, read from a Go MySQL DSN as the component takes it: `user:pass@tcp(host:port)/db?opts`. */
export function parseMysqlDsn(dsn: string): { user: string; password: string; host: string; port: string } {
  const m = /^([^:@]*)(?::([^@]*))?@tcp\(([^:)]+)(?::(\d+))?\)/.exec(dsn);
  if (!m) throw new Error(`cannot read a MySQL DSN of the form user:password@tcp(host:port)/: ${dsn}`);
  return { user: m[1] ?? 'root', password: m[2] ?? '', host: m[3]!, port: m[4] ?? '3306' };
}

/**
 * One SQL statement through the `mariadb` (or `mysql`) command-line client: no MySQL driver is a
 * dependency of the harness, and creating or dropping a database is all it needs.
 */
export async function mysqlExec(dsn: string, sql: string): Promise<void> {
  const { user, password, host, port } = parseMysqlDsn(dsn);
  const client = process.env.MYSQL_CLIENT ?? 'mariadb';
  await run(client, ['-h', host, '-P', port, '-u', user, '--protocol=TCP', '-e', sql], {
    timeout: 15_000,
    env: { ...process.env, MYSQL_PWD: password },
  });
}

const ident = (name: string) => {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  return `\`${name}\``;
};

export const createMysqlDatabase = (dsn: string, name: string) => mysqlExec(dsn, `CREATE DATABASE IF NOT EXISTS ${ident(name)}`);
export const dropMysqlDatabase = (dsn: string, name: string) => mysqlExec(dsn, `DROP DATABASE IF EXISTS ${ident(name)}`);
