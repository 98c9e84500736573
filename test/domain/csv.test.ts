// CSV cells and files as spreadsheet programs read them.
import { describe, expect, it } from 'vitest';
import { csvDocument, csvFile, csvLine, parseCsv, UTF8_BOM } from '../../src/domain/csv.js';

describe('CSV', () => {
  it('quotes cells with commas, quotes or line breaks, leaves nulls empty, and ends every line with CRLF', () => {
    expect(csvLine(['Vårdcentralen Sala, Väsby', 'sa "hej"', null, 0.123456, 21, true])).toBe('"Vårdcentralen Sala, Väsby","sa ""hej""",,0.1235,21,true');
    expect(csvDocument(['a', 'b'], ['1,2', '3,4'])).toBe('a,b\r\n1,2\r\n3,4\r\n');
  });

  it('starts a downloaded file with the UTF-8 byte order mark, so Swedish Excel shows å, ä and ö', () => {
    const file = csvFile(['clinic_name'], [csvLine(['Vårdcentralen Åby'])]);
    expect(Buffer.from(file, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(file).toBe(`${UTF8_BOM}clinic_name\r\nVårdcentralen Åby\r\n`);
  });

  it('reads back what it writes: quoted commas, doubled quotes, line breaks and empty cells, with or without the mark', () => {
    const rows = [
      ['month', 'clinic_name', 'note', 'share'],
      ['2027-04', 'Vårdcentralen Sala, Väsby', 'sa "hej"\r\npå två rader', ''],
      ['2027-04', 'Köping', '', '0.9500'],
    ];
    const text = csvDocument(rows[0]!, rows.slice(1).map((r) => csvLine(r)));
    expect(parseCsv(text)).toEqual(rows);
    expect(parseCsv(UTF8_BOM + text)).toEqual(rows);
    expect(parseCsv('a,b\nc,d')).toEqual([['a', 'b'], ['c', 'd']]);
  });
});
