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

describe('CSV formula injection (OWASP): text a spreadsheet would take for a formula', () => {
  const HYPERLINK = '=HYPERLINK("http://evil.example","klicka")';

  it('starts a text cell beginning with =, +, -, @, tab or carriage return with a single quote, and still quotes it per RFC 4180', () => {
    expect(csvLine([HYPERLINK])).toBe(`"'=HYPERLINK(""http://evil.example"",""klicka"")"`);
    expect(csvLine(['+46 Vårdcentralen', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1+1)'])).toBe(`'+46 Vårdcentralen,'-2+3+cmd|' /C calc'!A0,'@SUM(1+1)`);
    expect(csvLine(['\t=1+1', '\r=1+1'])).toBe(`'\t=1+1,"'\r=1+1"`);
    // Read back, each is the text it was, behind the quote: a spreadsheet shows it, never evaluates it.
    expect(parseCsv(csvDocument(['a', 'b'], [csvLine([HYPERLINK, '\r=1+1'])]))[1]).toEqual([`'${HYPERLINK}`, "'\r=1+1"]);
  });

  it('leaves text that does not start with a trigger, and text already behind a quote, as it is', () => {
    expect(csvLine(['Vårdcentralen Sala', 'a=b', ' =1', "'=1+1", ''])).toBe("Vårdcentralen Sala,a=b, =1,'=1+1,");
  });

  it('keeps numbers numbers: negative figures, shares, and plain numbers read back as text stay unquoted', () => {
    expect(csvLine([-5, -0.25, 0.5, 21, 0])).toBe('-5,-0.2500,0.5000,21,0');
    // The national file is re-written from its stored text, so its figures arrive as strings.
    expect(csvLine(['-5', '-0.2500', '21', '2027-04'])).toBe('-5,-0.2500,21,2027-04');
    // Text that only starts like a number is still text.
    expect(csvLine(['-5+cmd', '-1e5', '-', '-.5'])).toBe("'-5+cmd,'-1e5,'-,'-.5");
  });

  it('writes the header line through the same rule', () => {
    expect(csvDocument(['=x', 'b'], [])).toBe("'=x,b\r\n");
  });
});
