/**
 * The viewer's (or the kiosk's) wish for less motion: figures jump instead of gliding, map rings
 * stand still, patrols move without easing. Also what a weak kiosk GPU wants, and what the
 * type-scale test asks of Chromium so that it measures still pages.
 */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
