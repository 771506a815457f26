// SQL templates: the engine's statements live in `.sql` files beside the code that runs them.
//
// A file holds named statements, each starting at a line `-- name: <statement>`; the comment lines under
// it travel with the statement, after a line naming the file and statement (TP_TRACE_SQL and engine.sql
// show them). Two kinds of holes:
// - values (k, cap, days, key ranges, masks) are DuckDB named parameters, `$k`, bound by Duck.run/all;
// - identifiers and the parts that repeat per dimension or per remainder step are `{{placeholders}}`,
//   filled by small named renderer functions in the module (identifiers always through quotedIdentifier).
// Filling is strict both ways: a placeholder without a fill, or a fill without a placeholder, is a bug.
import { sqlFile } from './duck.js';

/** The text of each `{{name}}`. */
export type SqlFills = Record<string, string>;

/** `statement(name, fills)`: the named statement of one `.sql` file, its placeholders filled. */
export type SqlTemplates = (name: string, fills?: SqlFills) => string;

const NAME_LINE = /^-- name: ([a-z][a-z0-9_]*)[ \t]*$/;
const PLACEHOLDER = /\{\{([a-z][a-z0-9_]*)\}\}/g;

/** The named statements of a `.sql` file beside the module: `sqlTemplates(import.meta.url, 'labels.sql')`. */
export function sqlTemplates(moduleUrl: string, file: string): SqlTemplates {
  let statements: Map<string, string> | undefined;
  return (name, fills = {}) => {
    statements ??= parseStatements(sqlFile(moduleUrl, file), file);
    const template = statements.get(name);
    if (template === undefined) throw new Error(`${file} has no statement "-- name: ${name}"`);
    // The statement says where it comes from, in TP_TRACE_SQL and engine.sql.
    return `-- ${file}: ${name}\n${fillSql(template, fills, `${file} ${name}`)}`;
  };
}

export function parseStatements(text: string, file: string): Map<string, string> {
  const statements = new Map<string, string>();
  let current: { name: string; lines: string[] } | undefined;
  const close = () => {
    if (current) statements.set(current.name, current.lines.join('\n').trim());
  };
  for (const line of text.split('\n')) {
    const name = NAME_LINE.exec(line)?.[1];
    if (name === undefined) {
      current?.lines.push(line);
      continue;
    }
    close();
    if (statements.has(name)) throw new Error(`${file}: statement "${name}" is named twice`);
    current = { name, lines: [] };
  }
  close();
  return statements;
}

/** Fills every `{{name}}` of `template`; throws on a placeholder without a fill or a fill never used. */
export function fillSql(template: string, fills: SqlFills, where = 'SQL template'): string {
  const used = new Set<string>();
  const text = template.replace(PLACEHOLDER, (_match, name: string) => {
    const fill = fills[name];
    if (fill === undefined) throw new Error(`${where}: no fill for {{${name}}}`);
    used.add(name);
    return fill;
  });
  const unused = Object.keys(fills).filter((name) => !used.has(name));
  if (unused.length) throw new Error(`${where}: no placeholder for ${unused.map((name) => `{{${name}}}`).join(', ')}`);
  return text;
}

/** `/* text *\/`: a name in rendered SQL (which dimension a mask clears), safe inside any line. */
export function sqlComment(text: string): string {
  return `/* ${text.replace(/\*\//g, '* /')} */`;
}
