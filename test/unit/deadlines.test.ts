// Issue 11: users refuses a sign-up or sign-in it could not hash before its caller gives up. Its caller is
// the gateway, which gives up after UPSTREAM_TIMEOUT_MS and says so in x-request-deadline; users' own
// maximum (for a call without that header) must end before it, margin included.
import { loadConfig as gatewayConfig } from '../../services/gateway/src/config';
import { loadConfig as usersConfig } from '../../services/users/src/config';

describe("users' hashing deadline and the gateway's", () => {
  it('when both run with their defaults, then users gives up on a hash before the gateway gives up on users', () => {
    const users = usersConfig({});
    const gateway = gatewayConfig({});
    expect(users.hashMaxWaitMs).toBeLessThan(gateway.upstreamTimeoutMs);
    expect(users.hashMaxWaitMs + users.hashDeadlineMarginMs).toBeLessThanOrEqual(gateway.upstreamTimeoutMs);
  });
});
