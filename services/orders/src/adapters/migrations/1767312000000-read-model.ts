import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order-history read model (a projection of the order events, rebuildable from them) and the
 * registry of order ids the rebuild walks. A migration is a frozen snapshot: explicit SQL.
 */
export class OrdersReadModel1767312000000 implements MigrationInterface {
  name = 'OrdersReadModel1767312000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE order_registry (
        order_id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        registered_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE order_view (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        status varchar(32) NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        total_amount bigint NOT NULL CHECK (total_amount >= 0),
        currency char(3) NOT NULL,
        lines jsonb NOT NULL,
        shipping_address jsonb NOT NULL,
        payment_brand varchar(20) NOT NULL,
        payment_last4 char(4) NOT NULL,
        payment_id varchar(64) NULL,
        cancel_reason varchar(32) NULL,
        tracking_number varchar(64) NULL,
        placed_at timestamptz(3) NOT NULL,
        updated_at timestamptz(3) NOT NULL
      )`);
    // History pages: a customer's orders newest first; the fulfillment sweep: confirmed orders oldest first.
    await runner.query(`CREATE INDEX order_view_customer_idx ON order_view (customer_id, placed_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX order_view_placed_idx ON order_view (placed_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX order_view_confirmed_idx ON order_view (placed_at) WHERE status = 'confirmed'`);
    await runner.query(`
      CREATE TABLE order_timeline (
        order_id uuid NOT NULL,
        version integer NOT NULL,
        type varchar(64) NOT NULL,
        occurred_at timestamptz(3) NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (order_id, version)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE order_timeline');
    await runner.query('DROP TABLE order_view');
    await runner.query('DROP TABLE order_registry');
  }
}
