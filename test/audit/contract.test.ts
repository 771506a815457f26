// The audit's reading of the contract's timestamps: ISO 8601 with an explicit zone, exact to the microsecond.
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/audit/contract.js';

const micros = (iso: string, extra = 0) => BigInt(Date.parse(iso)) * 1000n + BigInt(extra);

describe('parseInstant', () => {
  it('reads the instant of a timestamp with a zone, whatever its offset notation', () => {
    expect(parseInstant('2026-07-01T12:00:00Z')).toBe(micros('2026-07-01T12:00:00Z'));
    expect(parseInstant('2026-07-01t12:00:00z')).toBe(micros('2026-07-01T12:00:00Z'));
    expect(parseInstant('2026-07-01 14:00:00+02:00')).toBe(micros('2026-07-01T12:00:00Z'));
    expect(parseInstant('2026-07-01T14:00:00+0200')).toBe(micros('2026-07-01T12:00:00Z'));
    expect(parseInstant('2026-07-01T09:30-02:30')).toBe(micros('2026-07-01T12:00:00Z'));
    expect(parseInstant('2026-07-01T12:00:00+02')).toBe(micros('2026-07-01T10:00:00Z'));
    expect(parseInstant('2026-07-01T12:00:00.123456789Z')).toBe(micros('2026-07-01T12:00:00.123Z', 456));
    expect(parseInstant('2026-07-01T12:00:00.5Z')).toBe(micros('2026-07-01T12:00:00.500Z'));
  });

  it('names no instant for a date alone, a time without a zone, or a date or time that does not exist', () => {
    for (const text of [
      '2026-07-01',
      '2026-07-01Z',
      '2026-07-01T12:00:00',
      '2026-07-01T12:00:00.000',
      '2026-02-30T12:00:00Z',
      '2026-13-01T12:00:00Z',
      '2026-07-01T24:00:00Z',
      '2026-07-01T12:60:00Z',
      '2026-07-01T12:00:60Z',
      '2026-07-01T12:00:00+24:00',
      ' 2026-07-01T12:00:00Z',
      '2026-07-01T12:00:00Z ',
      '1782907200',
      'yesterday',
    ])
      expect(parseInstant(text), text).toBeNull();
  });
});
