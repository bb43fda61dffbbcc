/**
 * What a wall shows of a long ranking: the top and the bottom with the count between, the centre's
 * own street kept in place wherever it ranks; a table that fits is shown whole. Checked for every
 * table length, box size and own position against the rules written out here.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { excerptRows } from '../../web/src/widgets/StreetRanking/rankingRows';

const table = (n: number) => Array.from({ length: n }, (_, i) => ({ code: `S${i + 1}`, rank: i + 1 }));

describe('ranking excerpt', () => {
  it('shows a table that fits whole, marking the own street', () => {
    const lines = excerptRows(table(5), 8, 'S3');
    expect(lines.map((l) => (l.kind === 'row' ? l.row.code : 'gap'))).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(lines.filter((l) => l.kind === 'row' && l.own).map((l) => l.kind === 'row' && l.row.code)).toEqual(['S3']);
  });

  it('shows the top, the gap and the bottom of 32 streets in 9 lines, and the own street in place', () => {
    const plain = excerptRows(table(32), 9);
    expect(plain.map((l) => (l.kind === 'row' ? l.row.code : `…${l.skipped}`))).toEqual(['S1', 'S2', 'S3', 'S4', '…24', 'S29', 'S30', 'S31', 'S32']);
    const own = excerptRows(table(32), 9, 'S17');
    expect(own.map((l) => (l.kind === 'row' ? l.row.code : `…${l.skipped}`))).toEqual(['S1', 'S2', 'S3', '…13', 'S17', '…12', 'S30', 'S31', 'S32']);
  });

  it('never exceeds the lines, keeps the order, accounts for every row, and always shows the first, the last and (in five lines or more) the own', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 3, max: 30 }), fc.option(fc.integer({ min: 1, max: 80 })), (n, fit, own) => {
        const rows = table(n);
        const ownCode = own !== null && own <= n ? `S${own}` : null;
        const lines = excerptRows(rows, fit, ownCode);
        expect(lines.length).toBeLessThanOrEqual(Math.max(fit, n <= fit ? n : 3));
        const shown = lines.flatMap((l) => (l.kind === 'row' ? [l.row.rank] : []));
        expect(shown).toEqual([...shown].sort((a, b) => a - b));
        const skipped = lines.reduce((sum, l) => sum + (l.kind === 'gap' ? l.skipped : 0), 0);
        expect(shown.length + skipped).toBe(n);
        expect(lines.every((l) => l.kind === 'row' || l.skipped > 0)).toBe(true);
        expect(shown[0]).toBe(1);
        expect(shown[shown.length - 1]).toBe(n);
        // the own street in place takes five lines (top, gap, own, gap, bottom); a smaller box shows top and bottom only
        if (ownCode && fit >= 5) expect(lines.some((l) => l.kind === 'row' && l.own && l.row.code === ownCode)).toBe(true);
        // two gaps never touch
        for (let i = 1; i < lines.length; i++) expect(lines[i]!.kind === 'gap' && lines[i - 1]!.kind === 'gap').toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
