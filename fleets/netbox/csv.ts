/**
 * A small RFC 4180 CSV reader and writer: the inventory CSV files and NetBox's bulk-import files.
 * Quoted fields (with commas, quotes doubled, line breaks), CRLF or LF line ends, a UTF-8 BOM.
 * Each row keeps the line it starts on, so that problems can name `file line N`.
 */

export interface CsvRow {
  /** 1-based line of the file the row starts on (the header is line 1). */
  readonly line: number;
  /** Field values by header name. */
  readonly values: Readonly<Record<string, string>>;
}

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly CsvRow[];
}

/** Thrown for text that is not CSV (an unterminated quote, a stray quote, a ragged row). */
export class CsvSyntaxError extends Error {
  constructor(
    public readonly line: number,
    public readonly what: string,
  ) {
    super(`line ${line}: ${what}`);
    this.name = 'CsvSyntaxError';
  }
}

/** Splits CSV text into records of fields, each with the line it starts on. */
export function parseCsvRecords(text: string): Array<{ line: number; fields: string[] }> {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: Array<{ line: number; fields: string[] }> = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (src[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(start, 'a quoted field is not closed');
          const c = src[i];
          if (c === '"') {
            if (src[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          value += c;
          i++;
        }
        if (i < n && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') throw new CsvSyntaxError(line, 'text after a closing quote');
      } else {
        while (i < n && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
          if (src[i] === '"') throw new CsvSyntaxError(line, 'a quote inside an unquoted field');
          value += src[i++];
        }
      }
      fields.push(value);
      if (i < n && src[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (src[i] === '\r') i++;
    if (src[i] === '\n') i++;
    line++;
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields });
  }
  return out;
}

/** Parses CSV text with a header row into rows keyed by header name. */
export function parseCsv(text: string): CsvTable {
  const records = parseCsvRecords(text);
  if (records.length === 0) return { header: [], rows: [] };
  const header = records[0].fields.map((h) => h.trim());
  const rows: CsvRow[] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) throw new CsvSyntaxError(r.line, `${r.fields.length} fields, but the header has ${header.length}`);
    const values: Record<string, string> = {};
    header.forEach((h, k) => (values[h] = r.fields[k]));
    rows.push({ line: r.line, values });
  }
  return { header, rows };
}

/** One field as CSV: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | undefined): string {
  const s = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document (LF line ends, final newline) of `header` and `rows`. */
export function formatCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
