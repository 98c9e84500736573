// CSV as RFC 4180 writes it (quotes doubled, CRLF lines), shared by the report and the national file.

/**
 * The UTF-8 byte order mark. Excel (Swedish Excel included) reads a CSV file without it as the
 * Windows code page and shows å, ä, ö as mojibake; with it, as UTF-8.
 */
export const UTF8_BOM = '\uFEFF';

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

/** A file as it is downloaded: the document behind a byte order mark, so spreadsheets read it as UTF-8. */
export function csvFile(header: readonly string[], lines: readonly string[]): string {
  return UTF8_BOM + csvDocument(header, lines);
}

/**
 * Reads a document csvDocument wrote (or any RFC 4180 text) back into rows of cells: quoted cells may
 * hold commas, doubled quotes and line breaks. A leading byte order mark is skipped.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.startsWith(UTF8_BOM) ? 1 : 0;
  const endRow = () => {
    row.push(cell);
    rows.push(row);
    row = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') {
        cell += ch;
      } else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else {
        quoted = false;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      endRow();
    } else {
      cell += ch;
    }
  }
  // A last line without its line break still counts; a trailing line break does not start a new row.
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}
