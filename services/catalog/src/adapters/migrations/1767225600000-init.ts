import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Categories (a tree kept as a materialized path) and products with full-text search. A migration is a
 * frozen snapshot: it repeats its SQL rather than importing constants that may change later.
 */
export class CatalogInit1767225600000 implements MigrationInterface {
  // Explicit, so a minifier renaming the class cannot change the name recorded in the migrations table.
  name = 'CatalogInit1767225600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE category (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        slug varchar(100) NOT NULL,
        name varchar(200) NOT NULL,
        parent_id uuid NULL,
        path text NOT NULL,
        CONSTRAINT category_pkey PRIMARY KEY (id),
        CONSTRAINT category_slug_key UNIQUE (slug),
        CONSTRAINT category_path_key UNIQUE (path),
        CONSTRAINT category_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        CONSTRAINT category_parent_fk FOREIGN KEY (parent_id) REFERENCES category (id) ON DELETE RESTRICT
      )`);
    await runner.query(`CREATE INDEX category_parent_id_idx ON category (parent_id)`);
    // Descendant look-ups compare path prefixes; text_pattern_ops lets them use the index under any collation.
    await runner.query(`CREATE INDEX category_path_prefix_idx ON category (path text_pattern_ops)`);

    await runner.query(`
      CREATE TABLE product (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        sku varchar(64) NOT NULL,
        name varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        price_cents integer NOT NULL,
        currency char(3) NOT NULL DEFAULT 'USD',
        category_id uuid NOT NULL,
        stock integer NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')
        ) STORED,
        CONSTRAINT product_pkey PRIMARY KEY (id),
        CONSTRAINT product_sku_key UNIQUE (sku),
        CONSTRAINT product_price_cents_check CHECK (price_cents >= 0),
        CONSTRAINT product_stock_check CHECK (stock >= 0),
        CONSTRAINT product_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT product_category_fk FOREIGN KEY (category_id) REFERENCES category (id) ON DELETE RESTRICT
      )`);
    await runner.query(`CREATE INDEX product_search_idx ON product USING gin (search)`);
    await runner.query(`CREATE INDEX product_category_id_idx ON product (category_id)`);
    // Each sort is (value, id) with id as the tiebreaker, so keyset pages are index range scans, both ways.
    await runner.query(`CREATE INDEX product_price_idx ON product (price_cents, id)`);
    await runner.query(`CREATE INDEX product_name_idx ON product (name, id)`);
    await runner.query(`CREATE INDEX product_created_at_idx ON product (created_at, id)`);
    // Out-of-stock rows are the rare, selective side of the inStock filter.
    await runner.query(`CREATE INDEX product_out_of_stock_idx ON product (id) WHERE stock = 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS product`);
    await runner.query(`DROP TABLE IF EXISTS category`);
  }
}
