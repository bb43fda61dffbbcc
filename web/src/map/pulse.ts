/**
 * The one animation of the map: pulse rings of new/serious incidents, alarming cameras and the
 * focus ring, driven by a requestAnimationFrame loop capped at ~20 fps that writes two or three
 * paint properties per frame. The loop runs only while something pulses and is visible, and stops
 * for good on dispose (no frame is left scheduled after unmount). With reduced motion asked for,
 * the rings are drawn once and stand still.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { pulseOpacity, pulseRadius } from './incidentLayer';
import { focusRingRadius } from './focusLayer';
import { prefersReducedMotion } from '../motion';

const FRAME_MS = 50;
const PERIOD_MS = 1800;
const FOCUS_PERIOD_MS = 1400;

export interface PulseState {
  incidents: boolean;
  cameras: boolean;
  focus: boolean;
}

export class Pulse {
  private frame = 0;
  private last = 0;
  private active: PulseState = { incidents: false, cameras: false, focus: false };
  private disposed = false;

  constructor(
    private readonly getMap: () => MapLibreMap | null,
    private scale: number,
  ) {}

  setScale(scale: number): void {
    this.scale = scale;
  }

  /** What pulses now (something on the map to pulse AND its layer visible). */
  set(state: Partial<PulseState>): void {
    this.active = { ...this.active, ...state };
    if (!(this.active.incidents || this.active.cameras || this.active.focus)) return this.stop();
    if (prefersReducedMotion()) return this.drawStill();
    this.start();
  }

  /** reduced motion: the rings drawn once, part-way out, and left standing */
  private drawStill(): void {
    this.stop();
    try {
      this.draw(PERIOD_MS * 0.35);
    } catch {
      // no style yet: the next set() draws them
    }
  }

  private start(): void {
    if (this.frame || this.disposed || typeof requestAnimationFrame === 'undefined') return;
    this.frame = requestAnimationFrame(this.tick);
  }

  private stop(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private readonly tick = (t: number): void => {
    this.frame = 0;
    if (this.disposed) return;
    if (t - this.last >= FRAME_MS) {
      this.last = t;
      try {
        this.draw(t);
      } catch {
        // the style is being replaced (context restore, rebuild): skip the frame
      }
    }
    if (this.active.incidents || this.active.cameras || this.active.focus) this.frame = requestAnimationFrame(this.tick);
  };

  private draw(t: number): void {
    // not isStyleLoaded(): it is false while any source re-tiles (patrols do every second),
    // which would make the pulse stutter
    const map = this.getMap();
    if (!map?.style) return;
    const phase = (t % PERIOD_MS) / PERIOD_MS;
    const s = this.scale;
    if (this.active.incidents && map.getLayer('incident-pulse')) {
      map.setPaintProperty('incident-pulse', 'circle-radius', pulseRadius(phase, s));
      map.setPaintProperty('incident-pulse', 'circle-stroke-opacity', pulseOpacity(phase));
    }
    if (this.active.cameras && map.getLayer('camera-alarm')) {
      const p = ((t + PERIOD_MS / 2) % PERIOD_MS) / PERIOD_MS;
      map.setPaintProperty('camera-alarm', 'circle-radius', (8 + 14 * p) * s);
      map.setPaintProperty('camera-alarm', 'circle-stroke-opacity', pulseOpacity(p));
    }
    if (this.active.focus && map.getLayer('focus-ring')) {
      const p = (t % FOCUS_PERIOD_MS) / FOCUS_PERIOD_MS;
      map.setPaintProperty('focus-ring', 'circle-radius', focusRingRadius(p, s));
      map.setPaintProperty('focus-ring', 'circle-stroke-opacity', 0.95 * (1 - p));
    }
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }
}
