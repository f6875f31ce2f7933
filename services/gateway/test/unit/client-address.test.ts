import { pickClientAddress, type Arrival, type ClientAddressRules } from '../../src/routes/client-address';

// The client address rules, every combination: how the request arrived (through Dapr with the app token,
// or directly on the port), how many trusted hops the operator configured, and what a client wrote itself.

const rules = (ingressProxyHops: number, directProxyHops: number): ClientAddressRules => ({ ingressProxyHops, directProxyHops });
const direct = (forwardedFor: string, socketAddress = '198.51.100.7'): Arrival => ({ channel: 'direct', forwardedFor, socketAddress });
const viaDapr = (forwardedFor: string, socketAddress = '127.0.0.1'): Arrival => ({ channel: 'dapr', forwardedFor, socketAddress });

describe('the client address', () => {
  describe('directly on the gateway port (no app token)', () => {
    it('when no proxy is trusted, then it is the socket peer', () => {
      expect(pickClientAddress(direct(''), rules(0, 0))).toBe('198.51.100.7');
    });

    it('when no proxy is trusted and the client writes X-Forwarded-For, then it is still the socket peer', () => {
      for (const spoof of ['203.0.113.1', '203.0.113.2, 10.0.0.1', 'evil'])
        expect(pickClientAddress(direct(spoof), rules(0, 0))).toBe('198.51.100.7');
    });

    it('when one proxy is trusted, then it is the entry that proxy appended (the last), whatever the client wrote before it', () => {
      expect(pickClientAddress(direct('203.0.113.9'), rules(0, 1))).toBe('203.0.113.9');
      expect(pickClientAddress(direct('1.1.1.1, 2.2.2.2, 203.0.113.9'), rules(0, 1))).toBe('203.0.113.9');
    });

    it('when two proxies are trusted, then it is the second entry from the right', () => {
      expect(pickClientAddress(direct('1.1.1.1, 203.0.113.9, 10.0.0.5'), rules(0, 2))).toBe('203.0.113.9');
    });

    it('when fewer entries than trusted proxies arrive, then the leftmost (a trusted one); none at all, the socket peer', () => {
      expect(pickClientAddress(direct('203.0.113.9'), rules(0, 2))).toBe('203.0.113.9');
      expect(pickClientAddress(direct(''), rules(0, 1))).toBe('198.51.100.7');
      expect(pickClientAddress(direct(' , '), rules(0, 1))).toBe('198.51.100.7');
    });

    it('when the ingress hop count is set, then it does not apply to direct calls', () => {
      expect(pickClientAddress(direct('203.0.113.1, 10.0.0.1'), rules(1, 0))).toBe('198.51.100.7');
    });
  });

  describe('through Dapr (the app token): the last entry is the calling sidecar, which never records its caller', () => {
    it('when clients call the ingress sidecar themselves (0 hops, locally), then it is the ingress sidecar host, whatever they wrote', () => {
      expect(pickClientAddress(viaDapr('127.0.0.1'), rules(0, 0))).toBe('127.0.0.1');
      for (const spoof of ['203.0.113.1', '203.0.113.2, 10.9.9.9'])
        expect(pickClientAddress(viaDapr(`${spoof}, 127.0.0.1`), rules(0, 0))).toBe('127.0.0.1');
    });

    it('when ingress-nginx is in front (1 hop), then it is the entry NGINX set, before the ingress pod address', () => {
      expect(pickClientAddress(viaDapr('203.0.113.9, 10.244.1.7'), rules(1, 0))).toBe('203.0.113.9');
    });

    it('when a client slips entries in front of the trusted ones, then they are never taken', () => {
      // NGINX with use-forwarded-headers false overwrites them; were one let through, it still sits left of ours.
      expect(pickClientAddress(viaDapr('6.6.6.6, 203.0.113.9, 10.244.1.7'), rules(1, 0))).toBe('203.0.113.9');
    });

    it('when the direct proxy count is set, then it does not apply to calls through Dapr', () => {
      expect(pickClientAddress(viaDapr('203.0.113.9, 127.0.0.1'), rules(0, 1))).toBe('127.0.0.1');
    });

    it('when a proxy in front left no entry, then the leftmost (the sidecar): a shared bucket, never a client-chosen one', () => {
      expect(pickClientAddress(viaDapr('10.244.1.7'), rules(1, 0))).toBe('10.244.1.7');
    });

    it('when no X-Forwarded-For arrives at all, then the socket peer (the gateway sidecar)', () => {
      expect(pickClientAddress(viaDapr(''), rules(1, 0))).toBe('127.0.0.1');
    });
  });

  it('when an address is IPv4-mapped IPv6 or absurdly long, then it is normalized and bounded', () => {
    expect(pickClientAddress(direct('', '::ffff:198.51.100.7'), rules(0, 0))).toBe('198.51.100.7');
    expect(pickClientAddress(direct('x'.repeat(500)), rules(0, 1))).toHaveLength(64);
    expect(pickClientAddress({ channel: 'direct', forwardedFor: '', socketAddress: undefined }, rules(0, 0))).toBe('unknown');
  });
});
