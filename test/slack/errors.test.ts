import { describe, expect, it } from 'vitest';
import { toUserFacingError, UserFacingError } from '../../src/slack/index.js';

describe('toUserFacingError', () => {
  it('keeps a typed error and any error carrying a userMessage', () => {
    const typed = new UserFacingError('set AWS_PROFILE', { code: 'CredentialsProviderError' });
    expect(toUserFacingError(typed)).toBe(typed);
    const foreign = Object.assign(new Error('internal'), { userMessage: 'AWS is throttling: try later' });
    expect(toUserFacingError(foreign)).toMatchObject({ userMessage: 'AWS is throttling: try later', details: { errorMessage: 'internal' } });
  });

  it('words other errors with the describer, or generically; details keep name, message, code and stack for the log', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const described = toUserFacingError(error, (thrown) => `could not reach AWS (${(thrown as { code: string }).code})`);
    expect(described.userMessage).toBe('could not reach AWS (ECONNREFUSED)');
    expect(described.details).toMatchObject({ errorName: 'Error', errorMessage: 'connect ECONNREFUSED', errorCode: 'ECONNREFUSED', stack: expect.any(String) });
    expect(described.cause).toBe(error);
    expect(toUserFacingError('a string').userMessage).toMatch(/^Something went wrong while checking the AWS account/);
    expect(toUserFacingError(error, () => { throw new Error('describer bug'); }).userMessage).toMatch(/^Something went wrong/);
  });
});
