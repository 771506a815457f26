import { describe, expect, it } from 'vitest';
import { shardIndexFrom } from '../../src/shard/index-from-env.js';

describe('shardIndexFrom: the shard index from --index or the scheduler', () => {
  it('takes --index', () => {
    expect(shardIndexFrom('3', {})).toBe(3);
  });

  it('takes JOB_COMPLETION_INDEX (Kubernetes Indexed Job) and AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job)', () => {
    expect(shardIndexFrom(undefined, { JOB_COMPLETION_INDEX: '0' })).toBe(0);
    expect(shardIndexFrom(undefined, { AWS_BATCH_JOB_ARRAY_INDEX: '41' })).toBe(41);
  });

  it('accepts sources that agree, and treats an empty variable as unset', () => {
    expect(shardIndexFrom('2', { JOB_COMPLETION_INDEX: '2', AWS_BATCH_JOB_ARRAY_INDEX: '' })).toBe(2);
  });

  it('refuses sources that disagree, naming both', () => {
    expect(() => shardIndexFrom('1', { JOB_COMPLETION_INDEX: '2' })).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message: expect.stringMatching(/--index is 1 but JOB_COMPLETION_INDEX is 2/),
      }),
    );
    expect(() => shardIndexFrom(undefined, { JOB_COMPLETION_INDEX: '0', AWS_BATCH_JOB_ARRAY_INDEX: '1' })).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        message: expect.stringMatching(/JOB_COMPLETION_INDEX is 0 but AWS_BATCH_JOB_ARRAY_INDEX is 1/),
      }),
    );
  });

  it.each(['-1', '1.5', 'x', '1e3', '0x1', '99999999999999999999'])('refuses %j as an index', (value) => {
    expect(() => shardIndexFrom(value, {})).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message: expect.stringMatching(/--index must be a whole number from 0 up/),
      }),
    );
    expect(() => shardIndexFrom(undefined, { AWS_BATCH_JOB_ARRAY_INDEX: value })).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        message: expect.stringContaining('AWS_BATCH_JOB_ARRAY_INDEX must be'),
      }),
    );
  });

  it('without any source says where an index may come from', () => {
    expect(() => shardIndexFrom(undefined, {})).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message: expect.stringMatching(/--index I, or JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX/),
      }),
    );
  });
});
