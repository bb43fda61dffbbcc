import { HubError } from '@shared/errors';
import { REGION_LEVELS, type Region, type RegionLevel } from '@shared/schemas/region';

/**
 * The administrative tree (city → district → street → community → grid) over a set of regions.
 *
 * Built once, then read on every incident (its regionPath) and every subscription (is this region
 * inside the one the client may see?), so lookups are O(1) or O(depth): regions are numbered in
 * depth-first order, and a region's descendants are then one contiguous run of that numbering.
 */

const LEVEL_DEPTH: Record<RegionLevel, number> = Object.fromEntries(REGION_LEVELS.map((l, i) => [l, i])) as Record<
  RegionLevel,
  number
>;

type TreeRegion = Pick<Region, 'code' | 'parentCode' | 'level'>;

function invalid(message: string, details?: unknown): HubError {
  return new HubError('VALIDATION_FAILED', `Invalid region tree: ${message}`, details);
}

export class RegionTree<R extends TreeRegion = Region> {
  private readonly byCode = new Map<string, R>();
  private readonly childCodes = new Map<string, string[]>();
  /** depth-first order; a region's subtree is order[index, index + size) */
  private readonly order: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly size = new Map<string, number>();
  private readonly levels = new Map<RegionLevel, R[]>();
  readonly root: R;

  /**
   * @throws HubError VALIDATION_FAILED on duplicate codes, unknown parents, no root or several,
   * a child not strictly below its parent's level, or cycles
   */
  constructor(regions: readonly R[]) {
    for (const region of regions) {
      if (this.byCode.has(region.code)) throw invalid(`duplicate region code ${region.code}`);
      this.byCode.set(region.code, region);
    }
    const roots = regions.filter((r) => r.parentCode === null);
    if (roots.length !== 1) {
      throw invalid(`expected exactly one root region (parentCode null), found ${roots.length}`, {
        roots: roots.slice(0, 10).map((r) => r.code),
      });
    }
    this.root = roots[0] as R;

    for (const region of regions) {
      if (region.parentCode === null) continue;
      const parent = this.byCode.get(region.parentCode);
      if (!parent) throw invalid(`region ${region.code} names an unknown parent ${region.parentCode}`);
      const siblings = this.childCodes.get(parent.code);
      if (siblings) siblings.push(region.code);
      else this.childCodes.set(parent.code, [region.code]);
    }
    for (const list of this.childCodes.values()) list.sort();

    // Iterative depth-first numbering from the root. Regions it never reaches sit on a cycle
    // (every parent exists, so a region unreachable from the root must loop back on itself).
    const stack: { code: string; next: number }[] = [{ code: this.root.code, next: 0 }];
    this.index.set(this.root.code, 0);
    this.order.push(this.root.code);
    while (stack.length) {
      const top = stack[stack.length - 1] as { code: string; next: number };
      const kids = this.childCodes.get(top.code) ?? [];
      if (top.next < kids.length) {
        const child = kids[top.next++] as string;
        this.index.set(child, this.order.length);
        this.order.push(child);
        stack.push({ code: child, next: 0 });
      } else {
        stack.pop();
        this.size.set(top.code, this.order.length - (this.index.get(top.code) as number));
      }
    }
    if (this.order.length !== regions.length) {
      const stray = regions.filter((r) => !this.index.has(r.code)).map((r) => r.code);
      throw invalid(`regions not connected to the root ${this.root.code} (a cycle): ${stray.slice(0, 10).join(', ')}`, { codes: stray });
    }
    // checked after the cycle test so that a cycle is reported as one, not as a level mismatch
    for (const region of regions) {
      const parent = region.parentCode === null ? undefined : this.byCode.get(region.parentCode);
      if (parent && LEVEL_DEPTH[region.level] <= LEVEL_DEPTH[parent.level]) {
        throw invalid(`region ${region.code} (${region.level}) is not below its parent ${parent.code} (${parent.level})`);
      }
    }
    for (const code of this.order) {
      const region = this.byCode.get(code) as R;
      const list = this.levels.get(region.level);
      if (list) list.push(region);
      else this.levels.set(region.level, [region]);
    }
  }

  get count(): number {
    return this.order.length;
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  get(code: string): R | undefined {
    return this.byCode.get(code);
  }

  /** like get, but a missing code is the client's mistake: UNKNOWN_REGION */
  require(code: string): R {
    const region = this.byCode.get(code);
    if (!region) throw new HubError('UNKNOWN_REGION', `No region has the code ${code}.`);
    return region;
  }

  parent(code: string): R | undefined {
    const parentCode = this.byCode.get(code)?.parentCode;
    return parentCode ? this.byCode.get(parentCode) : undefined;
  }

  /** direct children, by code */
  children(code: string): R[] {
    return (this.childCodes.get(code) ?? []).map((c) => this.byCode.get(c) as R);
  }

  /** codes from the root down to the region, inclusive — an incident's regionPath */
  path(code: string): string[] {
    const path: string[] = [];
    for (let r = this.require(code); ; ) {
      path.push(r.code);
      if (r.parentCode === null) break;
      r = this.byCode.get(r.parentCode) as R;
    }
    return path.reverse();
  }

  /** codes of the ancestors, nearest first, without the region itself */
  ancestors(code: string): string[] {
    return this.path(code).slice(0, -1).reverse();
  }

  /** every region below this one (not itself), in depth-first order; O(size of the answer) */
  descendants(code: string): R[] {
    this.require(code);
    const start = this.index.get(code) as number;
    const end = start + (this.size.get(code) as number);
    return this.order.slice(start + 1, end).map((c) => this.byCode.get(c) as R);
  }

  /** the region itself and every region below it, as codes */
  subtreeCodes(code: string): string[] {
    this.require(code);
    const start = this.index.get(code) as number;
    return this.order.slice(start, start + (this.size.get(code) as number));
  }

  /** true when `code` is `ancestorCode` or lies below it; false for unknown codes. O(1). */
  isWithin(code: string, ancestorCode: string): boolean {
    const i = this.index.get(code);
    const a = this.index.get(ancestorCode);
    if (i === undefined || a === undefined) return false;
    return i >= a && i < a + (this.size.get(ancestorCode) as number);
  }

  /**
   * The region's run in the depth-first numbering, [start, end): the region is `start` and every
   * region below it lies inside. Units sorted by their grid's number fall into runs the same way.
   */
  span(code: string): [number, number] {
    const start = this.index.get(code);
    if (start === undefined) return [0, 0];
    return [start, start + (this.size.get(code) as number)];
  }

  /** every region of a level, in depth-first order */
  byLevel(level: RegionLevel): R[] {
    return (this.levels.get(level) ?? []).slice();
  }

  /** the region at `level` on the path to `code` (e.g. the street of a grid), if any */
  ancestorAtLevel(code: string, level: RegionLevel): R | undefined {
    for (const c of this.path(code)) {
      const region = this.byCode.get(c) as R;
      if (region.level === level) return region;
    }
    return undefined;
  }
}
