import { commonSettings, identitySettings, port, readConfig, str } from '@shop/kit';

export const settings = {
  ...commonSettings,
  port: port('APP_PORT', { doc: 'port the payments app listens on', default: 3105 }),
  opsPort: port('OPS_PORT', { doc: 'port of the payments operations listener (/readyz, /metrics)', default: 9305 }),
  secretStore: str('SECRET_STORE', {
    doc: "Dapr secret store component holding the gateway's identity public key",
    default: 'secretstore',
  }),
  ...identitySettings,
  stateStore: str('PAYMENTS_STATE_STORE', { doc: 'Dapr state store component of payment methods and payments', default: 'paymentstore' }),
  // A card is four short fields; anything bigger is not a card.
  bodyLimit: str('BODY_LIMIT', { doc: 'largest JSON request body', default: '16kb', pattern: /^\d+(b|kb|mb)$/ }),
};

export type PaymentsConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
