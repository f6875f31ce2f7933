import { describeFailure } from '../../src/dapr/sdk-errors';

describe('describeFailure', () => {
  it('when the SDK threw its JSON error, then status and the sidecar body are recovered', () => {
    const err = new Error(
      JSON.stringify({ error: 'Conflict', error_msg: '{"errorCode":"ERR_STATE_SAVE","message":"possible etag mismatch"}', status: 409 }),
    );
    const f = describeFailure(err);
    expect(f.status).toBe(409);
    expect(f.body).toEqual({ errorCode: 'ERR_STATE_SAVE', message: 'possible etag mismatch' });
  });

  it('when the sidecar was unreachable, then there is no status', () => {
    expect(describeFailure(new Error('connect ECONNREFUSED 127.0.0.1:3500')).status).toBeUndefined();
  });
});
