/**
 * Marker images drawn at run time on a canvas from the same SVG paths the legend shows, then
 * handed to map.addImage: no sprite sheet, no URL. Drawn at 2× and registered with pixelRatio 2.
 */
import { CAMERA_PATH, CAMERA_STYLES, SEVERITY_STYLES } from './palette';

export const ICON_PIXEL_RATIO = 2;
/** Logical size of an icon box in CSS pixels before `icon-size`. */
export const ICON_BOX = 28;

export interface IconImage {
  name: string;
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

interface IconRecipe {
  name: string;
  path: string;
  fill: string;
  /** an inner dot marks the lens of a camera */
  lens?: boolean;
}

export function iconRecipes(): IconRecipe[] {
  const severity = SEVERITY_STYLES.map((s) => ({ name: s.icon, path: s.path, fill: s.color }));
  const cameras = Object.values(CAMERA_STYLES).map((c) => ({ name: c.icon, path: CAMERA_PATH, fill: c.color, lens: true }));
  return [...severity, ...cameras];
}

function draw(recipe: IconRecipe, doc: Document): IconImage | null {
  const px = ICON_BOX * ICON_PIXEL_RATIO;
  const canvas = doc.createElement('canvas');
  canvas.width = px;
  canvas.height = px;
  const ctx = canvas.getContext('2d');
  if (!ctx || typeof Path2D === 'undefined') return null;
  // the 24-unit path sits in the middle of the box, leaving room for the dark outline
  const unit = (px - 8) / 24;
  ctx.translate(4, 4);
  ctx.scale(unit, unit);
  const path = new Path2D(recipe.path);
  ctx.lineJoin = 'round';
  // a dark outline keeps the marker readable over the heat map and the risk colours
  ctx.strokeStyle = 'rgba(2,8,18,0.95)';
  ctx.lineWidth = 3.2;
  ctx.stroke(path);
  ctx.fillStyle = recipe.fill;
  ctx.fill(path);
  ctx.strokeStyle = 'rgba(255,255,255,0.85)';
  ctx.lineWidth = 1;
  ctx.stroke(path);
  if (recipe.lens) {
    ctx.beginPath();
    ctx.arc(9.5, 12, 2.6, 0, Math.PI * 2);
    ctx.fillStyle = 'rgba(2,8,18,0.9)';
    ctx.fill();
  }
  const image = ctx.getImageData(0, 0, px, px);
  return { name: recipe.name, width: px, height: px, data: image.data };
}

/** Draws every marker image; returns none where the environment has no canvas (tests). */
export function drawIcons(doc: Document = document): IconImage[] {
  const out: IconImage[] = [];
  for (const recipe of iconRecipes()) {
    const image = draw(recipe, doc);
    if (image) out.push(image);
  }
  return out;
}
