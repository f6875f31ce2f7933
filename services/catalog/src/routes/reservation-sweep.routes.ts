import { route } from '@shop/kit';
import { sweepReservations, type SweepDeps } from '../events/reservation-sweep';

/**
 * The `reservation-sweep-cron` input binding: the sidecar POSTs here on its schedule (the route is the
 * component's name). Replicas may sweep at the same moment; the store skips rows another one holds.
 */
export function reservationSweepRoutes(deps: SweepDeps) {
  return [
    route({
      method: 'POST',
      path: '/reservation-sweep-cron',
      summary: 'Expire held reservations past their time and announce the expiries (cron binding)',
      deliveryOnly: true,
      handle: () => sweepReservations(deps),
    }),
  ];
}
