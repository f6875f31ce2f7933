import { identitySettings, readConfig, sharedSettings, str } from '@shop/kit';

export const settings = {
  // A card is four short fields; anything bigger is not a card.
  ...sharedSettings({ port: 3105, opsPort: 9305, bodyLimit: '16kb' }),
  ...identitySettings,
  stateStore: str('PAYMENTS_STATE_STORE', { doc: 'Dapr state store component of payment methods and payments', default: 'paymentstore' }),
};

export type PaymentsConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
