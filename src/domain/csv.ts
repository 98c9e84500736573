// CSV as RFC 4180 writes it (quotes doubled, CRLF lines), shared by the report and the national file; text that a
// spreadsheet would evaluate as a formula is neutralised here, the one place cells are written.

/**
 * The UTF-8 byte order mark. Excel (Swedish Excel included) reads a CSV file without it as the
 * Windows code page and shows å, ä, ö as mojibake; with it, as UTF-8.
 */
export const UTF8_BOM = '\uFEFF';

/**
 * Formula injection (OWASP "CSV Injection"): a spreadsheet evaluates a cell that starts with =, +, -, @, tab or
 * carriage return as a formula, so a clinic name such as =HYPERLINK("http://evil.example","klicka") would
 * become a live link (or worse) in the file a manager opens. Such a text cell is written behind a single quote,
 * which makes the spreadsheet read it as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text that is a plain decimal number (-5, 0.2500, 21): a spreadsheet reads it as that number and nothing else.
 * The national file is re-written from its stored text (nationalCsvFor), so its figures arrive here as strings.
 */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * The rule that keeps figures figures: a number the product computed (a JS number: a count, a share, a
 * deviation of -5 minutes) is never prefixed, nor is text that is a plain decimal number; any other text that
 * starts with a formula character gets a leading '. Text already starting with ' is left as it is, so writing
 * a cell read back from a file this wrote (the stored national file) never adds a second quote.
 */
function neutralised(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/**
 * A cell: empty for null, shares with four decimals, text that would start a formula behind a single quote,
 * quoted (RFC 4180) when it holds a comma, quote or line break. Every CSV the product writes goes through here.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isInteger(value) ? String(value) : value.toFixed(4);
  else if (typeof value === 'string') text = neutralised(value);
  else text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly (string | number | boolean | null)[]): string {
  return values.map(csvCell).join(',');
}

/** A whole file: the header line (its cells written like any other), then one line per row, each ended by CRLF. */
export function csvDocument(header: readonly string[], lines: readonly string[]): string {
  return [csvLine(header), ...lines].map((l) => `${l}\r\n`).join('');
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
