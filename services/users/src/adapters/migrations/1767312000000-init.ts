import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts and refresh tokens. A migration is a frozen snapshot: it repeats its SQL rather than
 * importing constants that may change later.
 */
export class UsersInit1767312000000 implements MigrationInterface {
  // Explicit, so a minifier renaming the class cannot change the name recorded in the migrations table.
  name = 'UsersInit1767312000000';

  async up(runner: QueryRunner): Promise<void> {
    // "user" is a reserved word in PostgreSQL; app_user needs no quoting anywhere.
    await runner.query(`
      CREATE TABLE app_user (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        email varchar(254) NOT NULL,
        name varchar(100) NOT NULL,
        password_hash text NOT NULL,
        role varchar(16) NOT NULL DEFAULT 'customer',
        addresses jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT app_user_pkey PRIMARY KEY (id),
        CONSTRAINT app_user_email_key UNIQUE (email),
        CONSTRAINT app_user_email_normalized_check CHECK (email = btrim(email) AND email !~ '[A-Z]'),
        CONSTRAINT app_user_role_check CHECK (role IN ('customer', 'admin')),
        CONSTRAINT app_user_addresses_check CHECK (jsonb_typeof(addresses) = 'array' AND jsonb_array_length(addresses) <= 10)
      )`);
    // Keyset pages of the admin listing are range scans on (created_at, id).
    await runner.query(`CREATE INDEX app_user_created_at_idx ON app_user (created_at, id)`);

    await runner.query(`
      CREATE TABLE refresh_token (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        token_hash char(64) NOT NULL,
        family_id uuid NOT NULL,
        user_id uuid NOT NULL,
        expires_at timestamptz(3) NOT NULL,
        used_at timestamptz(3) NULL,
        revoked_at timestamptz(3) NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT refresh_token_pkey PRIMARY KEY (id),
        CONSTRAINT refresh_token_hash_key UNIQUE (token_hash),
        CONSTRAINT refresh_token_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
      )`);
    await runner.query(`CREATE INDEX refresh_token_family_id_idx ON refresh_token (family_id)`);
    await runner.query(`CREATE INDEX refresh_token_user_id_idx ON refresh_token (user_id)`);
    // For purging expired tokens in bulk.
    await runner.query(`CREATE INDEX refresh_token_expires_at_idx ON refresh_token (expires_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS refresh_token`);
    await runner.query(`DROP TABLE IF EXISTS app_user`);
  }
}
