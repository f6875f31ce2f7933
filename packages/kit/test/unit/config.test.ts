import { ConfigError, bool, int, port, readConfig, str } from '../../src';

const settings = {
  port: port('APP_PORT', { doc: 'listen port', default: 3000 }),
  retries: int('RETRIES', { doc: 'retries', min: 0, max: 5 }),
  name: str('SERVICE_NAME', { doc: 'name', default: 'x' }),
  verbose: bool('VERBOSE', { doc: 'verbose', default: false }),
};

describe('readConfig', () => {
  it('when values are set, then they are parsed to their types', () => {
    expect(readConfig(settings, { APP_PORT: '8080', RETRIES: '2', VERBOSE: 'true' })).toEqual({
      port: 8080,
      retries: 2,
      name: 'x',
      verbose: true,
    });
  });

  it('when a required value is missing and another is malformed, then one error names both keys and env vars', () => {
    let caught: unknown;
    try {
      readConfig(settings, { APP_PORT: '99999' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain("port (APP_PORT) is '99999', expected an integer from 1 to 65535");
    expect(message).toContain('retries (RETRIES) is required');
  });

  it('when a boolean is neither true nor false, then it is refused', () => {
    expect(() => readConfig(settings, { RETRIES: '1', VERBOSE: 'yes' })).toThrow(/VERBOSE/);
  });
});
