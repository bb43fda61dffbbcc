/** Patrol on-duty rate (网格员在岗率) and video online rate (视频在线率) from the current rosters. */
import type { Camera } from '@shared/schemas/camera';
import type { Patrol } from '@shared/schemas/patrol';
import type { Statistics } from '@shared/schemas/stats';
import { rate } from './figures';

/**
 * on-duty rate = (on_duty + responding) ÷ (on_duty + responding + offline): only people on shift
 * count, so an off-duty night shift does not lower the figure.
 */
export function patrolFigures(patrols: readonly Patrol[]): Statistics['patrols'] {
  let onDuty = 0;
  let responding = 0;
  let offline = 0;
  for (const p of patrols) {
    if (p.status === 'on_duty') onDuty++;
    else if (p.status === 'responding') responding++;
    else if (p.status === 'offline') offline++;
  }
  const onShift = onDuty + responding + offline;
  return { total: patrols.length, onShift, onDuty, responding, onDutyRate: rate(onDuty + responding, onShift) };
}

/** online rate = online ÷ all points; video_lost and fault count as not online. */
export function cameraFigures(cameras: readonly Camera[]): Statistics['cameras'] {
  const figures = { total: cameras.length, online: 0, offline: 0, videoLost: 0, fault: 0, alarming: 0 };
  for (const c of cameras) {
    if (c.status === 'online') figures.online++;
    else if (c.status === 'offline') figures.offline++;
    else if (c.status === 'video_lost') figures.videoLost++;
    else figures.fault++;
    if (c.alarm) figures.alarming++;
  }
  return { ...figures, onlineRate: rate(figures.online, figures.total) };
}
