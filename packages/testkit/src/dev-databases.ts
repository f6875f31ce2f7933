import fs from 'node:fs';
import { Client } from 'pg';

/**
 * For local development only: creates every PostgreSQL database that the dev secrets file names in a
 * `*-db-url` secret, if it does not exist yet. In a real environment an operator provisions databases.
 */
export async function ensureDevDatabases(secretsFile: string): Promise<string[]> {
  const secrets = JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as Record<string, string>;
  const created: string[] = [];
  for (const [key, value] of Object.entries(secrets)) {
    if (!key.endsWith('-db-url') || !value.startsWith('postgres')) continue;
    const url = new URL(value);
    const name = decodeURIComponent(url.pathname.slice(1));
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
        created.push(name);
      }
    } finally {
      await client.end();
    }
  }
  return created;
}
