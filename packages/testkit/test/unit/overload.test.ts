import { overloadRetryAfter, retryWhileOverloaded, type Answer } from '../../src/overload';

const busy = (seconds: string): Answer => ({ status: 503, headers: new Headers({ 'retry-after': seconds }), body: {} });

describe('retryWhileOverloaded', () => {
  it('when the shop sheds load, then the request is sent again after the Retry-After it asked for, until it is served', async () => {
    const answers: Answer[] = [busy('2'), busy('1'), { status: 201, body: { id: 'u-1' } }];
    const waits: number[] = [];
    const sent = jest.fn(async () => answers.shift()!);
    const final = await retryWhileOverloaded(sent, { jitterMs: 0, sleep: async (ms) => void waits.push(ms) });
    expect(final).toEqual({ status: 201, body: { id: 'u-1' } });
    expect(sent).toHaveBeenCalledTimes(3);
    expect(waits).toEqual([2_000, 1_000]);
  });

  it('when the shop stays overloaded, then it stops after the attempts allowed and returns the last 503', async () => {
    const sent = jest.fn(async () => busy('1'));
    const final = await retryWhileOverloaded(sent, { attempts: 3, sleep: async () => undefined });
    expect(final.status).toBe(503);
    expect(sent).toHaveBeenCalledTimes(3);
  });

  it('when a 503 does not ask to retry (a dependency is down) or another status comes, then it is returned at once', async () => {
    for (const answer of [{ status: 503, headers: new Headers(), body: {} }, { status: 504 }, { status: 409 }, busy('3600')]) {
      const sent = jest.fn(async () => answer);
      await expect(retryWhileOverloaded(sent, { sleep: async () => undefined })).resolves.toBe(answer);
      expect(sent).toHaveBeenCalledTimes(1);
    }
  });

  it('when the headers were not kept, then the problem body says how long to wait', () => {
    expect(overloadRetryAfter({ status: 503, body: { type: 'x/overloaded', retryAfter: 4 } })).toBe(4);
    expect(overloadRetryAfter({ status: 429, body: { retryAfter: 4 } })).toBeUndefined();
  });
});
