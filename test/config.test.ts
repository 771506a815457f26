// Settings are validated once, before anything is written: a bad one names itself, its source and what
// is accepted.
import { describe, expect, it } from 'vitest';
import { checkDatasetKeys, resolveSettings } from '../src/config.js';
import { Q3 } from './helpers/build.js';

const refusal = (flags: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  resolveSettings(flags, env, undefined).then(
    () => undefined,
    (error: unknown) => error as { code: string; message: string },
  );

describe('integer settings', () => {
  it.each([
    ['k', '99999999999999999999', /setting `k` \(--k\) must be an integer from 2 up to 9007199254740991/],
    ['k', '9007199254740992', /setting `k` \(--k\) must be an integer from 2 up to 9007199254740991/],
    [
      'contributionCap',
      '99999999999999999999',
      /setting `contribution-cap` \(--contribution-cap\) must be an integer from 1 up to 9007199254740991/,
    ],
    ['threads', '99999999999999999999', /setting `threads` \(--threads\) must be an integer from 1 up to 1024/],
    ['threads', '1025', /setting `threads` \(--threads\) must be an integer from 1 up to 1024/],
  ])('refuses %s=%s beyond the exact range', async (key, value, message) => {
    const error = await refusal({ [key]: value });
    expect(error?.code).toBe('E_CONFIG');
    expect(error?.message).toMatch(message);
  });

  it('refuses an unsafe k from the environment too, naming the variable', async () => {
    expect((await refusal({}, { TP_K: '1e400' }))?.message).toMatch(/setting `k` \(TP_K\)/);
    expect((await refusal({}, { TP_K: '18446744073709551616' }))?.message).toMatch(/setting `k` \(TP_K\)/);
  });

  it('accepts the largest exact integer', async () => {
    expect((await resolveSettings({ k: String(Number.MAX_SAFE_INTEGER) }, {}, undefined)).k).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });
});

describe('key-template', () => {
  it.each([
    ['../{dataset}-{year}-q{quarter}.tsv', /'\.\.' segment/],
    ['data/../../{dataset}-{year}-q{quarter}.tsv', /'\.\.' segment/],
    ['./{dataset}-{year}-q{quarter}.tsv', /'\.' or '\.\.' segment/],
    ['a//{dataset}-{year}-q{quarter}.tsv', /empty, '\.' or '\.\.' segment/],
    ['/abs/{dataset}-{year}-q{quarter}.tsv', /must not start with '\/'/],
    ['win\\{dataset}-{year}-q{quarter}.tsv', /backslash or a control character/],
    ['bell\u0007{dataset}-{year}-q{quarter}.tsv', /backslash or a control character/],
  ])('refuses %j before anything runs', async (template, problem) => {
    const error = await refusal({ keyTemplate: template });
    expect(error?.code).toBe('E_CONFIG');
    expect(error?.message).toMatch(/^setting `key-template` \(--key-template\) must be a relative object key/);
    expect(error?.message).toMatch(problem);
  });

  it('accepts keys in folders', async () => {
    const template = 'usage/{year}/{dataset}-{year}-q{quarter}.tsv';
    expect((await resolveSettings({ keyTemplate: template }, {}, undefined)).keyTemplate).toBe(template);
  });

  it('checks the keys every dataset would get (data, privacy report, input manifest)', () => {
    const long = `${'x'.repeat(1000)}/{dataset}-{year}-q{quarter}.tsv`;
    expect(() => checkDatasetKeys({ keyTemplate: long }, [{ name: 'a-dataset-with-a-long-name' }], Q3)).toThrow(
      /setting `key-template` ".*" gives dataset "a-dataset-with-a-long-name" the object key .* which is longer than 1024 bytes/,
    );
    expect(() =>
      checkDatasetKeys({ keyTemplate: '{dataset}-{year}-q{quarter}.tsv' }, [{ name: 'cli-usage' }], Q3),
    ).not.toThrow();
  });
});
