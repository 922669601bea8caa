import { compareLogIds, formatLogId, parseLogId } from './log-id';

describe('log ids', () => {
  it('parses a Redis stream id', () => {
    expect(parseLogId('1700000000000-3')).toEqual({ ms: 1700000000000, seq: 3 });
  });

  it('formats what it parses', () => {
    expect(formatLogId(parseLogId('12-0'))).toBe('12-0');
  });

  it('rejects what is not an id', () => {
    expect(() => parseLogId('12')).toThrow('not a log id: 12');
  });

  it('orders by milliseconds, then by sequence', () => {
    const ids = ['2-0', '1-5', '1-10', '0-0'].map(parseLogId).sort(compareLogIds).map(formatLogId);
    expect(ids).toEqual(['0-0', '1-5', '1-10', '2-0']);
  });
});
