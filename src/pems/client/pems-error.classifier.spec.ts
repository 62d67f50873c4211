import { classifyNetworkFailure, classifyStatus, parseRetryAfter, readErrorAlert } from './pems-error.classifier';

describe('PEMS error classification', () => {
  const conflict = readErrorAlert({ ErrorAlert: [{ Name: 'RecordUpdatedByAnotherUser', Message: 'The record has been updated by another user.' }] });
  const other = readErrorAlert({ ErrorAlert: [{ Name: 'InvalidFieldValue', Message: 'bad' }] });

  it.each([
    [400, other, 'not_retryable'],
    [400, null, 'not_retryable'],
    [400, conflict, 'version_conflict'],
    [400, { name: 'X', message: 'This record was Updated By Another User' }, 'version_conflict'],
    [401, null, 'credentials_rejected'],
    [403, other, 'not_retryable'],
    [404, other, 'not_retryable'],
    [409, null, 'version_conflict'],
    [408, null, 'retryable'],
    [429, null, 'retryable'],
    [500, null, 'retryable'],
    [502, null, 'retryable'],
    [503, null, 'retryable'],
    [504, null, 'retryable'],
    [501, null, 'not_retryable'],
    [302, null, 'not_retryable'],
  ] as const)('%i with %j is %s', (status, alert, kind) => {
    expect(classifyStatus(status, alert)).toBe(kind);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('treats every failure on the way to PEMS as retryable, a request that cannot be built as not', () => {
    expect(classifyNetworkFailure('ECONNREFUSED', 'connect ECONNREFUSED', false)).toEqual({ kind: 'retryable', description: 'connection refused' });
    expect(classifyNetworkFailure('ECONNRESET', 'socket hang up', false)).toEqual({ kind: 'retryable', description: 'socket hang up' });
    expect(classifyNetworkFailure('ECONNRESET', 'read ECONNRESET', false)).toEqual({ kind: 'retryable', description: 'connection reset' });
    expect(classifyNetworkFailure('ERR_CANCELED', 'canceled', true)).toEqual({ kind: 'retryable', description: 'timed out' });
    expect(classifyNetworkFailure('ECONNABORTED', 'timeout of 300ms exceeded', false).kind).toBe('retryable');
    expect(classifyNetworkFailure(undefined, 'something odd', false).kind).toBe('retryable');
    expect(classifyNetworkFailure('ERR_INVALID_URL', 'Invalid URL', false).kind).toBe('not_retryable');
  });

  it('reads the first ErrorAlert, also when it is not in an array', () => {
    expect(readErrorAlert({ ErrorAlert: { Name: 'A', Message: 'b' } })).toEqual({ name: 'A', message: 'b' });
    expect(readErrorAlert({ Result: {} })).toBeNull();
    expect(readErrorAlert('<html>')).toBeNull();
  });
});
