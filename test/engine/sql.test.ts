import { describe, expect, it } from 'vitest';
import { openDuck } from '../../src/engine/duck.js';
import { fillSql, parseStatements, sqlComment } from '../../src/engine/sql.js';

describe('SQL templates', () => {
  it('splits a file into its named statements, comments included', () => {
    const statements = parseStatements(
      '-- file overview\n\n-- name: first\n-- why\nSELECT 1\n\n-- name: second\nSELECT {{x}}\n',
      'x.sql',
    );
    expect([...statements]).toEqual([
      ['first', '-- why\nSELECT 1'],
      ['second', 'SELECT {{x}}'],
    ]);
    expect(() => parseStatements('-- name: a\nSELECT 1\n-- name: a\nSELECT 2', 'x.sql')).toThrow(/named twice/);
  });

  it('fills every placeholder and refuses a missing or an unused fill', () => {
    expect(fillSql('SELECT {{a}} FROM {{b}}', { a: '"x"', b: '"t"' })).toBe('SELECT "x" FROM "t"');
    expect(() => fillSql('SELECT {{a}}', {})).toThrow(/no fill for \{\{a\}\}/);
    expect(() => fillSql('SELECT 1', { a: 'x' })).toThrow(/no placeholder for \{\{a\}\}/);
    // A fill is not read again: a placeholder-looking text in it stays as it is.
    expect(fillSql('{{a}}', { a: '{{b}}' })).toBe('{{b}}');
  });

  it('keeps a comment closed whatever the name in it', () => {
    expect(sqlComment('a */ b')).toBe('/* a * / b */');
  });
});

describe('bound parameters', () => {
  it('binds string lists, and refuses a parameter that is missing or that no statement names', async () => {
    const duck = await openDuck();
    try {
      expect(await duck.all(`SELECT list_contains($values, 'b') AS found`, { values: ['a', 'b'] })).toEqual([
        { found: true },
      ]);
      await expect(duck.all('SELECT $k AS k', {})).rejects.toThrow(/\$k not given/);
      await expect(duck.all('SELECT $k AS k; SELECT 1', { k: 1, cap: 2 })).rejects.toThrow(/\$cap given but not used/);
    } finally {
      duck.close();
    }
  });
});
