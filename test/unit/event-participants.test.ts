// The AsyncAPI document says who receives what (packages/contracts/src/participants.ts); the services say it
// by the handlers their definitions declare. Held together here, so the document cannot drift from the code.
import { PARTICIPANTS } from '@shop/contracts';
import { createLogger, createMetrics, readConfig, type ServiceDefinition, type Settings } from '@shop/kit';
import { cartService } from '../../services/cart/src/service';
import { catalogService } from '../../services/catalog/src/service';
import { gatewayService } from '../../services/gateway/src/service';
import { ordersService } from '../../services/orders/src/service';
import { paymentsService } from '../../services/payments/src/service';
import { usersService } from '../../services/users/src/service';

const logger = createLogger({ service: 'participants-test', level: 'error' });
logger.silent = true;

/** The CloudEvent types a service's definition subscribes to (its handlers only read their ports when an event comes). */
function receivedTypes<S extends Settings, P, D>(definition: ServiceDefinition<S, P, D>): string[] {
  const wiring = { config: readConfig(definition.settings, {}), logger, metrics: createMetrics('participants-test') };
  return (definition.events?.({} as P, wiring) ?? []).map((h) => h.type).sort();
}

const SERVICES = [cartService, catalogService, gatewayService, ordersService, paymentsService, usersService] as ServiceDefinition<
  Settings,
  unknown,
  unknown
>[];

describe('who receives each event', () => {
  it.each(SERVICES.map((s) => [s.name, s] as const))(
    'when the %s definition is read, then its handlers are exactly what the AsyncAPI participants say it receives',
    (name, definition) => {
      const documented =
        PARTICIPANTS.find((p) => p.app === name)
          ?.receives.map((e) => e.type)
          .sort() ?? [];
      expect(receivedTypes(definition)).toEqual(documented);
    },
  );
});
