import type { BindingDef } from '@shop/kit';
import { sweepReservations, type SweepDeps } from '../use-cases/reservation-sweep';

/**
 * The `reservation-sweep-cron` input binding: the sidecar POSTs to `/<name>` on its schedule. Replicas
 * may sweep at the same moment; the store skips rows another one holds.
 */
export function reservationSweepBinding(deps: SweepDeps): BindingDef {
  return {
    name: 'reservation-sweep-cron',
    summary: 'Expire held reservations past their time and announce the expiries (cron binding)',
    handle: () => sweepReservations(deps),
  };
}
