import { commonSettings, port, readConfig, str } from '@shop/kit';

export const settings = {
  ...commonSettings,
  port: port('APP_PORT', { doc: 'port the payments app listens on', default: 3105 }),
  secretStore: str('SECRET_STORE', { doc: 'Dapr secret store component holding the identity key', default: 'secretstore' }),
  identityKeySecret: str('IDENTITY_KEY_SECRET', {
    doc: 'name of the secret with the HMAC key of the identity the gateway forwards',
    default: 'gateway-identity-key',
  }),
  stateStore: str('PAYMENTS_STATE_STORE', { doc: 'Dapr state store component of payment methods and payments', default: 'paymentstore' }),
  // A card is four short fields; anything bigger is not a card.
  bodyLimit: str('BODY_LIMIT', { doc: 'largest JSON request body', default: '16kb', pattern: /^\d+(b|kb|mb)$/ }),
};

export type PaymentsConfig = ReturnType<typeof loadConfig>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => readConfig(settings, env);
