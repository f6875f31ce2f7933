import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The saga redrive's look-up (OrderReadModel.unfinishedIds): open orders, and registrations, by time. */
export class OrdersUnfinished1796050000000 implements MigrationInterface {
  name = 'OrdersUnfinished1796050000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX order_view_open_idx ON order_view (updated_at) WHERE status NOT IN ('shipped', 'cancelled')`);
    await runner.query(`CREATE INDEX order_registry_registered_idx ON order_registry (registered_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX order_registry_registered_idx');
    await runner.query('DROP INDEX order_view_open_idx');
  }
}
