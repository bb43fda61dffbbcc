/**
 * Source lines for a CPU profile of code that tsx ran. tsx transpiles each .ts file to one line
 * (minified whitespace), so a profile's frames all say line 1; its cache (os.tmpdir()/tsx-<uid>,
 * JSON `{ code, map }` per transpiled file) keeps the source map of what V8 ran, naming the file in
 * `map.sources`. Where a file's entry is found, a frame's column is mapped back to its source line;
 * otherwise the frame keeps no line. The newest entry of a file is taken (the version that ran,
 * unless the file changed since).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export class TsxSourceLines {
  private maps: Map<string, { map: SourceMap; mtime: number }> | null = null;

  constructor(private readonly cacheDir = join(tmpdir(), `tsx-${userInfo().uid}`)) {}

  /** the 1-based source line of a function starting at (line, column) of the transpiled file, 0-based */
  line(file: string, line: number, column: number): number | null {
    const entry = this.load().get(file);
    if (!entry) return null;
    const found = entry.map.findEntry(line, column) as { originalLine?: number } | Record<string, never>;
    return typeof found.originalLine === 'number' ? found.originalLine + 1 : null;
  }

  private load(): Map<string, { map: SourceMap; mtime: number }> {
    if (this.maps) return this.maps;
    this.maps = new Map();
    let names: string[] = [];
    try {
      names = readdirSync(this.cacheDir);
    } catch {
      return this.maps; // no cache: lines stay unknown
    }
    for (const name of names) {
      const path = join(this.cacheDir, name);
      try {
        const doc = JSON.parse(readFileSync(path, 'utf8')) as { map?: SourceMapPayload };
        const source = doc.map?.sources?.[0];
        if (!doc.map || !source) continue;
        const mtime = statSync(path).mtimeMs;
        const held = this.maps.get(source);
        if (!held || held.mtime < mtime) this.maps.set(source, { map: new SourceMap(doc.map), mtime });
      } catch {
        /* another kind of cache file */
      }
    }
    return this.maps;
  }
}
