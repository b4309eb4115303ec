import * as path from 'path';
import { loadNetboxExport, NetboxExportError, readListing } from '../../../fleets/netbox/load-netbox';
import { removeDir, tempDir } from '../../support/synth';
import { thrownLines } from '../../support/tiny-fleet';

describe('reading a saved NetBox list response', () => {
  const a = { id: 1, name: 'a' };
  const b = { id: 2, name: 'b' };

  it('reads one list response, an array of pages and a plain array of objects', () => {
    expect(readListing('x.json', JSON.stringify({ count: 2, next: null, previous: null, results: [a, b] }))).toEqual({ objects: [a, b], problems: [] });
    const pages = [
      { count: 2, next: 'https://nb/api/dcim/racks/?limit=1&offset=1', previous: null, results: [a] },
      { count: 2, next: null, previous: 'https://nb/api/dcim/racks/?limit=1', results: [b] },
    ];
    expect(readListing('x.json', JSON.stringify(pages))).toEqual({ objects: [a, b], problems: [] });
    expect(readListing('x.json', JSON.stringify([a, b]))).toEqual({ objects: [a, b], problems: [] });
    expect(readListing('x.json', '[]')).toEqual({ objects: [], problems: [] });
  });

  it('reports a page that was not saved, and rejects what is not a list response', () => {
    expect(readListing('racks.json', JSON.stringify({ count: 3, next: 'https://nb/api/dcim/racks/?offset=2', previous: null, results: [a, b] })).problems).toEqual([
      { ref: 'racks.json', message: 'export holds 2 objects but NetBox counted 3; save every page (follow "next"), got 2, expected 3' },
    ]);
    expect(thrownLines(() => readListing('racks.json', '{"detail": "Invalid token."}'))).toEqual([
      'racks.json: file is not a NetBox list response, got ["detail"], expected {"count", "results"}, an array of them, or an array of objects',
    ]);
    expect(() => readListing('racks.json', '<html>')).toThrow(NetboxExportError);
  });

  it('refuses an export directory without a required file, naming it', () => {
    const dir = tempDir('netbox-missing-');
    try {
      expect(thrownLines(() => loadNetboxExport(dir))).toEqual([`${path.join(dir, 'sites.json')}: file is missing, got nothing, expected the saved list response of /api/dcim/sites/`]);
    } finally {
      removeDir(dir);
    }
  });
});
