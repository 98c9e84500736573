// Reading a CSV file a person or a catalogue export wrote (csv-parse): UTF-8 with or without a byte order mark,
// separated by ';' (Swedish Excel's list separator) or ',', quoted as RFC 4180 says. Each row keeps its line number
// in the file, so every refusal can name the line a person sees in their editor.
import { parse } from 'csv-parse/sync';
import { ValidationFailed } from '../errors.js';

export interface CsvTable {
  /** The header row's cells, trimmed. */
  header: string[];
  /** The data rows, blank lines left out, each with the line it starts on (the header is line 1). */
  rows: { line: number; cells: string[] }[];
}

/** ';' when the header line has more of them than ',' outside quotes (as Swedish Excel writes), else ','. */
export function separatorOf(text: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ';') semicolons++;
    else if (!quoted && ch === ',') commas++;
  }
  return semicolons > commas ? ';' : ',';
}

/** The table in `text`; a file that is not CSV (an unclosed quote, ragged rows) is refused naming the line. */
export function readCsvTable(text: string, field = 'body'): CsvTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: separatorOf(text.replace(/^\uFEFF/, '')),
      info: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ValidationFailed([
      { field, message: `is not a CSV file this can read${line ? ` (line ${line})` : ''}: ${(error as Error).message}`, code: 'invalid_csv', ...(line ? { params: { line } } : {}) },
    ]);
  }
  const [first, ...rest] = records;
  if (!first) throw new ValidationFailed([{ field, message: 'is empty: the first line must name the columns', code: 'empty_csv' }]);
  return {
    header: first.record.map((h) => h.trim()),
    // info.lines is the line a record ends on; a record spanning lines starts earlier, which only quoted newlines do.
    rows: rest.map(({ record, info }) => ({ line: info.lines - (record.join('').match(/\n/g)?.length ?? 0), cells: record.map((c) => c.trim()) })),
  };
}
