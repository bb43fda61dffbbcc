/** Clean input (issue 17): which text is refused, the paths named, the shape bounds and the byte depth check. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { badTextReason, findInputProblems, jsonDepthExceeds, MAX_DEPTH, MAX_STRING } from '../../server/transport/cleanInput';

describe('badTextReason', () => {
  it('refuses NUL, C0 controls but tab/LF/CR, lone surrogates and U+FFFE/U+FFFF', () => {
    for (const bad of ['\u0000', 'a\u0001', '\u001B[31m', '\u000B', '\uFFFE', '\uFFFF', '\uD800', 'x\uDBFF', '\uDC00', 'a\uDFFFb', '\uDE00\uD83D']) {
      expect(badTextReason(bad), JSON.stringify(bad)).not.toBeNull();
    }
    expect(badTextReason('a\u0000b')).toMatch(/NUL.*character 2/);
    expect(badTextReason('x\uD800')).toMatch(/lone surrogate \(U\+D800\)/);
    expect(badTextReason('y'.repeat(MAX_STRING + 1))).toMatch(/characters long/);
  });

  it('accepts every well-formed text without those characters', () => {
    for (const ok of ['', '路面垃圾', '😀👨‍👩‍👧', '\t\r\n', '<script>alert(1)</script>', "'; DROP TABLE x;--", '\u202E', '\u007F\u0085', '\uD83D\uDE00']) {
      expect(badTextReason(ok), JSON.stringify(ok)).toBeNull();
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const clean = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
        expect(badTextReason(clean.slice(0, MAX_STRING))).toBeNull();
      }),
    );
  });
});

describe('findInputProblems', () => {
  it('names the path of each field, values and field names alike', () => {
    const problems = findInputProblems({ title: 'a\u0000', reporter: { name: '\uD800' }, tags: ['ok', '\u0007'], 'k\u0000': 1 });
    expect(problems.map((p) => p.path).sort()).toEqual(['k\u0000', 'reporter.name', 'tags.1', 'title'].sort());
    expect(findInputProblems('\u0000')[0]!.path).toBe('(root)');
    expect(findInputProblems({ q: '\u0000' }, ['query'])[0]!.path).toBe('query.q');
  });

  it('bounds depth and size, and leaves binary data alone', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 1; i++) deep = [deep];
    expect(findInputProblems(deep)[0]!.message).toMatch(/deeper/);
    expect(findInputProblems(new Array(300_000).fill(0))[0]!.message).toMatch(/more than/);
    expect(findInputProblems({ data: Buffer.from([0, 0, 0]) })).toEqual([]);
    expect(findInputProblems(JSON.parse('{"__proto__":{"x":1},"constructor":{"prototype":{}}}'))).toEqual([]);
  });
});

describe('jsonDepthExceeds', () => {
  it('counts brackets outside strings only, escapes included', () => {
    expect(jsonDepthExceeds('[[[1]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[1]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[[[\\"{{{{' }), 2)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from('{"a":"\\\\"}'), 1)).toBe(false);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        const depth = (x: unknown): number => (x !== null && typeof x === 'object' ? 1 + Math.max(0, ...Object.values(x).map(depth)) : 0);
        expect(jsonDepthExceeds(text, depth(v))).toBe(false);
        if (depth(v) > 0) expect(jsonDepthExceeds(Buffer.from(text), depth(v) - 1)).toBe(true);
      }),
    );
  });
});
