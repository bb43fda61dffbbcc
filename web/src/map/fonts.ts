/**
 * Labels without glyph PBFs. With no `glyphs` in the style, MapLibre draws every label character
 * on a canvas (TinySDF) with the CSS families named in `text-font`, here the bundled Noto Sans SC.
 * The catch: the web font is split into ~100 unicode-range files and the browser fetches a file
 * only when text needs it, while MapLibre draws each character once and caches it. A character
 * drawn before its file arrived would stay a blank box for the life of the page, so the label
 * layers are shown only after the characters they use are loaded.
 */
import '@fontsource-variable/noto-sans-sc';
import { FONT_FAMILY } from './palette';

const WEIGHTS = [500, 700];

export async function loadLabelFont(text: string, timeoutMs = 8000): Promise<boolean> {
  const fonts = typeof document !== 'undefined' ? document.fonts : undefined;
  if (!fonts?.load) return false;
  const sample = text || '中';
  const loads = WEIGHTS.map((w) => fonts.load(`${w} 48px "${FONT_FAMILY}"`, sample));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([Promise.all(loads), timeout]);
    return result !== 'timeout' && result.some((faces) => faces.length > 0);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
