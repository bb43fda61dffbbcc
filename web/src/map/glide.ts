/**
 * Patrols glide between fixes instead of jumping: when a fix arrives, the marker moves from where
 * it is shown now to the new fix over the time that separated the two fixes (the frames carry fix
 * times to the millisecond), capped at GLIDE_MAX_MS. It never runs ahead of the last fix, so it
 * trails reality by at most one fix interval. A long jump (a terminal that was off) is not glided.
 * Plain typed arrays by patrol idx, no Vue: the map reads `shown()` when it rebuilds its source.
 */
export const GLIDE_MAX_MS = 3_000;
/** farther than this between two fixes (degrees, about 2 km): jump, do not glide */
export const GLIDE_MAX_JUMP_DEG = 0.02;

export interface ShownPositions {
  lng: Float64Array;
  lat: Float64Array;
  /** whether some marker is still between two fixes (the map should rebuild again soon) */
  gliding: boolean;
}

export class PatrolGlide {
  private fromLng = new Float64Array(0);
  private fromLat = new Float64Array(0);
  /** the fix the glide heads for: if the store holds another one now (snapshot, delta), no glide */
  private toLng = new Float64Array(0);
  private toLat = new Float64Array(0);
  private start = new Float64Array(0);
  private span = new Float64Array(0);
  private shownLng = new Float64Array(0);
  private shownLat = new Float64Array(0);
  /** client time when the last glide ends */
  private until = -Infinity;

  private grow(n: number): void {
    if (n <= this.start.length) return;
    const size = Math.max(n, Math.ceil(this.start.length * 1.5), 64);
    const more = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.fromLng = more(this.fromLng);
    this.fromLat = more(this.fromLat);
    this.toLng = more(this.toLng);
    this.toLat = more(this.toLat);
    this.start = more(this.start);
    this.span = more(this.span);
  }

  /** where patrol `idx` is shown at `now`, given the fix the store holds; written into `out` */
  positionOf(idx: number, lng: number, lat: number, now: number, out: [number, number]): void {
    out[0] = lng;
    out[1] = lat;
    if (idx >= this.span.length) return;
    const span = this.span[idx]!;
    if (span <= 0 || this.toLng[idx] !== lng || this.toLat[idx] !== lat) return;
    const f = (now - this.start[idx]!) / span;
    if (f >= 1) return;
    const k = f <= 0 ? 0 : f;
    out[0] = this.fromLng[idx]! + (lng - this.fromLng[idx]!) * k;
    out[1] = this.fromLat[idx]! + (lat - this.fromLat[idx]!) * k;
  }

  /**
   * A new fix for `idx`: glide from where it is shown now (`shownLng/shownLat`) to (lng, lat) over
   * the time between the two fixes. Call before or after storing the fix; `gapMs` ≤ 0 means jump.
   */
  moved(idx: number, shownLng: number, shownLat: number, lng: number, lat: number, gapMs: number, now: number): void {
    this.grow(idx + 1);
    const far = Math.abs(lng - shownLng) > GLIDE_MAX_JUMP_DEG || Math.abs(lat - shownLat) > GLIDE_MAX_JUMP_DEG;
    const span = Number.isFinite(shownLng) && Number.isFinite(shownLat) && !far && gapMs > 0 ? Math.min(gapMs, GLIDE_MAX_MS) : 0;
    this.span[idx] = span;
    this.fromLng[idx] = shownLng;
    this.fromLat[idx] = shownLat;
    this.toLng[idx] = lng;
    this.toLat[idx] = lat;
    this.start[idx] = now;
    if (span > 0 && now + span > this.until) this.until = now + span;
  }

  /** every patrol's shown position at `now` (NaN where the store has none), in arrays reused between calls */
  shown(lng: ArrayLike<number>, lat: ArrayLike<number>, now: number): ShownPositions {
    const n = lng.length;
    if (this.shownLng.length !== n) {
      this.shownLng = new Float64Array(n);
      this.shownLat = new Float64Array(n);
    }
    const out: [number, number] = [0, 0];
    for (let i = 0; i < n; i++) {
      this.positionOf(i, lng[i]!, lat[i]!, now, out);
      this.shownLng[i] = out[0];
      this.shownLat[i] = out[1];
    }
    return { lng: this.shownLng, lat: this.shownLat, gliding: now < this.until };
  }
}
