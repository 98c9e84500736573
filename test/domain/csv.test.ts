// CSV cells and files as spreadsheet programs read them.
import { describe, expect, it } from 'vitest';
import { csvDocument, csvLine } from '../../src/domain/csv.js';

describe('CSV', () => {
  it('quotes cells with commas, quotes or line breaks, leaves nulls empty, and ends every line with CRLF', () => {
    expect(csvLine(['Vårdcentralen Sala, Väsby', 'sa "hej"', null, 0.123456, 21, true])).toBe('"Vårdcentralen Sala, Väsby","sa ""hej""",,0.1235,21,true');
    expect(csvDocument(['a', 'b'], ['1,2', '3,4'])).toBe('a,b\r\n1,2\r\n3,4\r\n');
  });
});
