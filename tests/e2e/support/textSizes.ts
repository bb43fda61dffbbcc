/**
 * What a person sees of the wall's text, measured in the browser: every visible text node's
 * rendered font size, and whether it is cut (ellipsis, or clipped by a box that hides overflow).
 * Used by the type-scale test and by whoever checks a change to the wall by hand.
 *
 * Text in a scrolling ticker (`[data-scrolls]`) moves through its clip by design and is not
 * counted as cut; text the wall hides (opacity 0, visibility hidden, wholly outside a clipping
 * box, a closed legend) is not counted at all. Canvas text (charts, map labels) is not in the DOM: the option builders and the
 * map style are checked against the same floor in their own tests.
 */
import type { Page } from 'playwright-core';

export interface MeasuredText {
  text: string;
  /** CSS px */
  fontPx: number;
  /** the element's nearest class, to say where it is */
  where: string;
  cut: boolean;
}

export async function measureText(page: Page, root = '.wall'): Promise<MeasuredText[]> {
  return page.evaluate((rootSelector) => {
    const rootEl = document.querySelector(rootSelector);
    if (!rootEl) return [];
    const out: { text: string; fontPx: number; where: string; cut: boolean }[] = [];
    const walker = document.createTreeWalker(rootEl, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (!text) continue;
      const el = n.parentElement;
      if (!el) continue;
      // no helper functions in here: tsx names them with a helper the page does not have
      let hidden = false;
      for (let p: Element | null = el; p && !hidden; p = p.parentElement) {
        const s = getComputedStyle(p);
        hidden = s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) < 0.05;
      }
      if (hidden) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      let cut = false;
      if (!el.closest('[data-scrolls]')) {
        for (let p: Element | null = el; p && p !== document.body; p = p.parentElement) {
          const s = getComputedStyle(p);
          const clips = s.overflowX !== 'visible' || s.overflowY !== 'visible';
          if (p === el && s.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) cut = true;
          if (!clips) continue;
          const b = p.getBoundingClientRect();
          // wholly outside the clip: not shown at all (a ticker line wrapped out of view), not cut
          if (r.right <= b.left || r.left >= b.right || r.bottom <= b.top || r.top >= b.bottom) {
            hidden = true;
            break;
          }
          if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1) cut = true;
          if (cut) break;
        }
      }
      if (hidden) continue;
      const named = el.closest('[class]');
      out.push({ text: text.slice(0, 60), fontPx: parseFloat(getComputedStyle(el).fontSize), where: String(named?.className ?? el.tagName).slice(0, 60), cut });
    }
    return out;
  }, root);
}

/** a line per offending text, for a failure message a person can act on */
export function describeTexts(texts: MeasuredText[]): string {
  return texts.map((t) => `${t.fontPx.toFixed(1)}px${t.cut ? ' CUT' : ''}  ${t.where}  «${t.text}»`).join('\n');
}
