import { parseTraceparent, requestIdFrom } from '../../src';

describe('parseTraceparent', () => {
  it('when the header is valid, then trace and span ids are extracted', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
  });

  it.each([
    ['garbage'],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    [undefined],
  ])('when the header is %p, then it is ignored', (value) => {
    expect(parseTraceparent(value)).toEqual({});
  });
});

describe('requestIdFrom', () => {
  it('when a sane id is given, then it is kept; when it is unsafe, then a new one is made', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    const made = requestIdFrom('bad id\nwith newline');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
  });
});
