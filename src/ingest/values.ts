// How text values are normalised before anything is grouped by them: the input cleaning rules.
//
// Cleaning, applied to every text value before it is grouped (so two raw values that clean to the same
// text become one label, never two rows with the same key):
// - tabs, carriage returns and line feeds (and runs of them) become one space;
// - a value that starts with `=`, `+`, `-` or `@` gets a leading apostrophe (`'`), the OWASP advice
//   against spreadsheet formula injection; a reader who wants the raw value strips one leading `'`.

/** `expression` cleaned as above, in SQL. */
export function cleanTextSql(expression: string): string {
  const text = `CAST(${expression} AS VARCHAR)`;
  // Byte searches first: almost no value needs cleaning, and a regex on every row is what costs.
  const flattened = `(CASE WHEN strpos(${text}, chr(9)) > 0 OR strpos(${text}, chr(10)) > 0 OR strpos(${text}, chr(13)) > 0
    THEN regexp_replace(${text}, '[\\t\\r\\n]+', ' ', 'g') ELSE ${text} END)`;
  return `(CASE WHEN left(${flattened}, 1) IN ('=', '+', '-', '@') THEN '''' || ${flattened} ELSE ${flattened} END)`;
}

/**
 * How every dimension value is published, whatever the dataset's query returns: trimmed of spaces,
 * `Unknown` when missing or empty, then cleaned as above. The engine applies it once per distinct value.
 */
export function dimensionValueSql(expression: string): string {
  return cleanTextSql(`coalesce(nullif(trim(CAST(${expression} AS VARCHAR)), ''), 'Unknown')`);
}
