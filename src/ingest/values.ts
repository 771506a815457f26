// How text values are normalised before anything is grouped by them: the input cleaning rules.
//
// Cleaning, applied to every text value before it is grouped (so two raw values that clean to the same
// text become one label, never two rows with the same key):
// - every control character (U+0000-U+001F: NUL, tab, CR, LF ...; U+007F; the C1 controls
//   U+0080-U+009F), and every run of them, becomes one space: a TSV cell never holds a tab, a line
//   break, a NUL or an escape sequence;
// - every double quote (`"`) becomes an apostrophe (`'`): the TSV is never quoted, and a reader that
//   honours `"` as a quote character (frictionless, Python's csv, datapackage-js) would otherwise read
//   the rest of the file as one field. With no `"` in any value, every reader's quote handling is moot;
// - a value that starts with `=`, `+`, `-` or `@` gets a leading apostrophe (`'`), the OWASP advice
//   against spreadsheet formula injection; a reader who wants the raw value strips one leading `'`.
// Values without control characters or double quotes keep their bytes.

/** A run of control characters, for RE2 (DuckDB's regex engine). */
const CONTROLS = '[\\x00-\\x1f\\x7f-\\x{9f}]+';

/**
 * `text` with every run of control characters replaced by one space and every `"` by `'`, in SQL.
 * The regex runs only on the values that hold a control character (almost none).
 */
function flattenControlsSql(text: string): string {
  const flattened = `(CASE WHEN regexp_matches(${text}, '${CONTROLS}') THEN regexp_replace(${text}, '${CONTROLS}', ' ', 'g') ELSE ${text} END)`;
  return `replace(${flattened}, '"', '''')`;
}

function formulaSafeSql(text: string): string {
  return `(CASE WHEN left(${text}, 1) IN ('=', '+', '-', '@') THEN '''' || ${text} ELSE ${text} END)`;
}

/** `expression` cleaned as above, in SQL. */
export function cleanTextSql(expression: string): string {
  return formulaSafeSql(flattenControlsSql(`CAST(${expression} AS VARCHAR)`));
}

/**
 * How every dimension value is published, whatever the dataset's query returns: control characters
 * flattened as above, then trimmed of spaces, `Unknown` when missing or empty, then formula-safe. The
 * engine applies it once per distinct value.
 */
export function dimensionValueSql(expression: string): string {
  const flattened = flattenControlsSql(`CAST(${expression} AS VARCHAR)`);
  return formulaSafeSql(`coalesce(nullif(trim(${flattened}), ''), 'Unknown')`);
}
