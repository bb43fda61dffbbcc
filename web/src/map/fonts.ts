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

/**
 * Every unicode-range file of the label font, for labels whose characters are not known in
 * advance (place names in the hub's vector tiles): about 4.6 MB for the two weights' variable
 * files, fetched once from the hub and then cached by the browser. Resolves false on timeout.
 */
export async function loadWholeLabelFont(timeoutMs = 20_000): Promise<boolean> {
  const fonts = typeof document !== 'undefined' ? document.fonts : undefined;
  if (!fonts?.forEach) return false;
  const faces: FontFace[] = [];
  fonts.forEach((face) => {
    if (face.family.replace(/["']/g, '') === FONT_FAMILY) faces.push(face);
  });
  if (faces.length === 0) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([Promise.all(faces.map((f) => f.load())).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
