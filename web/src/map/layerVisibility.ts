/** The wall's layer toggles (useWallStore().layers) mapped onto MapLibre layer ids. */
import type { HeatWindow } from './heatLayer';

export interface WallLayers {
  heat: HeatWindow;
  incidents: boolean;
  patrols: boolean;
  cameras: boolean;
  risk: boolean;
}

export type ToggleKey = keyof WallLayers;
export type Visibility = 'visible' | 'none';

/** The MapLibre layers each toggle shows or hides. */
export const TOGGLED_LAYERS: Readonly<Record<ToggleKey, readonly string[]>> = {
  heat: ['heat'],
  incidents: ['area-bubbles', 'area-counts', 'incident-dots', 'incident-pulse', 'incident-overdue', 'incident-icons-minor', 'incident-icons'],
  patrols: ['patrols'],
  cameras: ['camera-alarm', 'camera-icons'],
  risk: ['risk-fill', 'risk-line'],
};

export const DEFAULT_LAYERS: WallLayers = { heat: 'today', incidents: true, patrols: true, cameras: false, risk: true };

export function isOn(layers: WallLayers, key: ToggleKey): boolean {
  return key === 'heat' ? layers.heat !== 'off' : Boolean(layers[key]);
}

export function visibilityOf(layers: WallLayers): Record<string, Visibility> {
  const out: Record<string, Visibility> = {};
  for (const key of Object.keys(TOGGLED_LAYERS) as ToggleKey[]) {
    const v: Visibility = isOn(layers, key) ? 'visible' : 'none';
    for (const id of TOGGLED_LAYERS[key]) out[id] = v;
  }
  return out;
}

/** Only the layers whose visibility differs from what the map shows. */
export function visibilityChanges(
  shown: Readonly<Record<string, Visibility>>,
  layers: WallLayers,
): [string, Visibility][] {
  return Object.entries(visibilityOf(layers)).filter(([id, v]) => shown[id] !== v);
}
