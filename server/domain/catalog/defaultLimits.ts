/**
 * Default time limit of each timed stage, for categories that do not bring their own. Modelled on
 * local digital-city-management tables (after CJ/T 315): the centre's own steps are short and
 * counted in working hours; handling is counted in working days.
 */
import type { FullStageLimits } from '../sla/limits';
import { working } from '../sla/limits';

export const DEFAULT_STAGE_LIMITS: FullStageLimits = {
  /** reported → registered (立案) */
  reported: working(1, 'hours'),
  /** registered → dispatched (派遣) */
  registered: working(1, 'hours'),
  /** dispatched → handling (the department accepts, 接单) */
  dispatched: working(2, 'hours'),
  /** handling → handled (the department feeds back, 处置反馈) */
  handling: working(3, 'days'),
  /** handled → verified (on-site check, 核查) */
  handled: working(4, 'hours'),
  /** verified → closed (结案) */
  verified: working(1, 'hours'),
};
