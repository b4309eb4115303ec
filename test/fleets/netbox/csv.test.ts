import { csvField, CsvSyntaxError, formatCsv, parseCsv } from '../../../fleets/netbox/csv';

describe('the CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF line ends and a BOM, keeping each row\'s line', () => {
    const text = '\ufeffname,comments,position\r\n"gpu0001","RMA, ""PSU 3""",1\r\ngpu0002,"two\r\nlines",9\r\n\r\ngpu0003,,17';
    expect(parseCsv(text)).toEqual({
      header: ['name', 'comments', 'position'],
      rows: [
        { line: 2, values: { name: 'gpu0001', comments: 'RMA, "PSU 3"', position: '1' } },
        { line: 3, values: { name: 'gpu0002', comments: 'two\r\nlines', position: '9' } },
        { line: 6, values: { name: 'gpu0003', comments: '', position: '17' } },
      ],
    });
  });

  it('rejects an unclosed quote, a quote inside a field and a row of the wrong width, with the line', () => {
    const error = (text: string) => {
      try {
        parseCsv(text);
      } catch (e) {
        if (e instanceof CsvSyntaxError) return e.message;
        throw e;
      }
      throw new Error('expected a CsvSyntaxError');
    };
    expect(error('a,b\n1,"2\n')).toBe('line 2: a quoted field is not closed');
    expect(error('a,b\n1,2"x"\n')).toBe('line 2: a quote inside an unquoted field');
    expect(error('a,b\n1,2\n"3"x,4\n')).toBe('line 3: text after a closing quote');
    expect(error('a,b\n1,2\n3\n')).toBe('line 3: 1 fields, but the header has 2');
  });

  it('writes what it reads back', () => {
    const rows = [['Yiwu, hall 2', 'say "hi"', 'a\nb'], ['plain', '', 42]];
    expect(csvField('x,y')).toBe('"x,y"');
    const text = formatCsv(['a', 'b', 'c'], rows);
    expect(text).toBe('a,b,c\n"Yiwu, hall 2","say ""hi""","a\nb"\nplain,,42\n');
    expect(parseCsv(text).rows.map((r) => Object.values(r.values))).toEqual(rows.map((r) => r.map(String)));
  });
});
