// CSV as RFC 4180 writes it (quotes doubled, CRLF lines), shared by the report and the national file.

/** A cell: empty for null, shares with four decimals, quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly (string | number | boolean | null)[]): string {
  return values.map(csvCell).join(',');
}

/** A whole file: the header line, then one line per row, each ended by CRLF. */
export function csvDocument(header: readonly string[], lines: readonly string[]): string {
  return [header.join(','), ...lines].map((l) => `${l}\r\n`).join('');
}
