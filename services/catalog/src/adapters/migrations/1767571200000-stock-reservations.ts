import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stock reservations per order, and what admin catalog management needs on products.
 *
 * - `product.stock` becomes `on_hand` (units in the warehouse) and `reserved` counts the units held by
 *   reservations, kept in the same transactions that change reservations. Available = on_hand - reserved,
 *   and the CHECK makes overselling impossible at the database, whatever the code above it does.
 * - `archived_at` soft-deletes a product: it leaves search and cannot be reserved, while reservations
 *   and order history that name it stay valid.
 * - `stock_reservation` is one row per order and the idempotency record of order.placed: its outcome
 *   (reserved or rejected) is what a redelivery re-publishes. Its lines name what it holds.
 *
 * A migration is a frozen snapshot: it repeats its SQL rather than importing constants that may change.
 */
export class CatalogStockReservations1767571200000 implements MigrationInterface {
  name = 'CatalogStockReservations1767571200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE product RENAME COLUMN stock TO on_hand`);
    await runner.query(`ALTER TABLE product RENAME CONSTRAINT product_stock_check TO product_on_hand_check`);
    await runner.query(`ALTER TABLE product ADD COLUMN reserved integer NOT NULL DEFAULT 0`);
    await runner.query(`ALTER TABLE product ADD COLUMN archived_at timestamptz(3) NULL`);
    await runner.query(`ALTER TABLE product ADD CONSTRAINT product_reserved_check CHECK (reserved >= 0 AND reserved <= on_hand)`);
    // "Sold out" now means nothing available, not nothing on hand; archived rows are never listed.
    await runner.query(`DROP INDEX product_out_of_stock_idx`);
    await runner.query(`CREATE INDEX product_sold_out_idx ON product (id) WHERE on_hand <= reserved AND archived_at IS NULL`);

    await runner.query(`
      CREATE TABLE stock_reservation (
        order_id uuid NOT NULL,
        status varchar(16) NOT NULL,
        expires_at timestamptz(3) NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        outcome jsonb NOT NULL,
        expiry_published boolean NOT NULL DEFAULT false,
        CONSTRAINT stock_reservation_pkey PRIMARY KEY (order_id),
        CONSTRAINT stock_reservation_status_check CHECK (status IN ('held', 'committed', 'released', 'expired', 'rejected')),
        CONSTRAINT stock_reservation_expiry_check CHECK (status = 'rejected' OR expires_at IS NOT NULL)
      )`);
    // The sweep's two questions: which held reservations are due, and which expiries are still unannounced.
    await runner.query(`CREATE INDEX stock_reservation_due_idx ON stock_reservation (expires_at) WHERE status = 'held'`);
    await runner.query(
      `CREATE INDEX stock_reservation_unannounced_idx ON stock_reservation (updated_at) WHERE status = 'expired' AND NOT expiry_published`,
    );

    await runner.query(`
      CREATE TABLE stock_reservation_line (
        order_id uuid NOT NULL,
        product_id uuid NOT NULL,
        quantity integer NOT NULL,
        CONSTRAINT stock_reservation_line_pkey PRIMARY KEY (order_id, product_id),
        CONSTRAINT stock_reservation_line_quantity_check CHECK (quantity > 0),
        CONSTRAINT stock_reservation_line_order_fk FOREIGN KEY (order_id) REFERENCES stock_reservation (order_id) ON DELETE CASCADE,
        CONSTRAINT stock_reservation_line_product_fk FOREIGN KEY (product_id) REFERENCES product (id) ON DELETE RESTRICT
      )`);
    await runner.query(`CREATE INDEX stock_reservation_line_product_id_idx ON stock_reservation_line (product_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS stock_reservation_line`);
    await runner.query(`DROP TABLE IF EXISTS stock_reservation`);
    await runner.query(`DROP INDEX IF EXISTS product_sold_out_idx`);
    await runner.query(`CREATE INDEX product_out_of_stock_idx ON product (id) WHERE on_hand = 0`);
    await runner.query(`ALTER TABLE product DROP CONSTRAINT product_reserved_check`);
    await runner.query(`ALTER TABLE product DROP COLUMN archived_at`);
    await runner.query(`ALTER TABLE product DROP COLUMN reserved`);
    await runner.query(`ALTER TABLE product RENAME CONSTRAINT product_on_hand_check TO product_stock_check`);
    await runner.query(`ALTER TABLE product RENAME COLUMN on_hand TO stock`);
  }
}
