/**
 * Focus mode's decisions, pure: does the region on screen hold the case (else the wall goes to its
 * home region, which always does: a focus reaches a wall only when its home lies on the case's
 * path), and what the wall remembers on entering so that leaving restores exactly that.
 */
import type { Focus } from '@shared/schemas/focus';

/** what the wall was doing when the first focus came; a focus replacing another keeps it */
export interface FocusMemory {
  /** the tour was running, at this step (it resumes there); null: no tour */
  tourStep: number | null;
  /** the region the wall was subscribed to (restored when there was no tour) */
  region: string | null;
}

export interface CaseContext {
  /** the case's region path when a store holds the case; null when unknown here */
  incidentPath(incidentId: string): readonly string[] | null;
  /** region codes from the top down to `code`, as far as the wall knows them */
  pathOf(code: string): readonly string[];
  home: string | null;
}

/**
 * True when the region `shown` contains the case: it lies on the case's region path. Known
 * exactly when the case is in the incidents store; else the region is on the path when it is
 * the focus region or the home region or above them (both lie on the case's path).
 */
export function holdsCase(shown: string | null, focus: Pick<Focus, 'incidentId' | 'regionCode'>, ctx: CaseContext): boolean {
  if (!shown) return false;
  const path = ctx.incidentPath(focus.incidentId);
  if (path) return path.includes(shown);
  if (ctx.pathOf(focus.regionCode).includes(shown)) return true;
  return ctx.home !== null && ctx.pathOf(ctx.home).includes(shown);
}
