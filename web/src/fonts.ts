/**
 * The CJK font is bundled (@fontsource-variable/noto-sans-sc, split by unicode-range) and a
 * browser loads a subset only when text in the page needs it. Canvas text (ECharts, the map)
 * does not trigger that, so: ask for the subsets of every label the wall can draw, and bump
 * `fontEpoch` whenever fonts finish loading so that charts redraw with the real glyphs.
 */
import { ref } from 'vue';

export const FONT_NAME = 'Noto Sans SC Variable';
export const fontEpoch = ref(0);
let watching = false;

export function watchFonts(): () => void {
  if (watching || typeof document === 'undefined' || !document.fonts) return () => {};
  watching = true;
  const onDone = () => fontEpoch.value++;
  document.fonts.addEventListener('loadingdone', onDone);
  return () => {
    document.fonts.removeEventListener('loadingdone', onDone);
    watching = false;
  };
}

const requested = new Set<string>();

/** loads the font subsets covering `text` (only characters not asked for before) */
export async function preloadGlyphs(text: string): Promise<void> {
  if (typeof document === 'undefined' || !document.fonts) return;
  let fresh = '';
  for (const ch of text) {
    if (requested.has(ch)) continue;
    requested.add(ch);
    fresh += ch;
  }
  if (!fresh) return;
  try {
    await Promise.all([document.fonts.load(`400 16px "${FONT_NAME}"`, fresh), document.fonts.load(`700 16px "${FONT_NAME}"`, fresh)]);
    fontEpoch.value++;
  } catch {
    /* a font that cannot load leaves the fallback in place; nothing else to do */
  }
}
