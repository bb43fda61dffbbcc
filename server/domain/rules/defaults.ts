/**
 * The rules a hub runs when the deployment brings no RULES_FILE. Written for a Chinese
 * grid-governance centre (网格化管理指挥中心): loud for the grave and rare, quiet for the routine.
 * Automatic focus moves every wall of a region, so it is kept to the gravest grade only: the
 * simulator reports several 重大 (severity 3) cases an hour across a city, and walls that jump
 * for each of them are walls nobody can read.
 *
 * No default names a category or region code, so they hold for any deployment's tables.
 */
import type { RuleInput } from './schema';

export const DEFAULT_RULES: readonly RuleInput[] = [
  {
    // 特别重大 (grade 4) is what the emergency plans call a matter for the leadership on duty: every
    // wall that holds the place shows it, with its cameras, until someone acknowledges it.
    id: 'especially-serious-case',
    name: '特别重大事件',
    when: { kind: 'case', minSeverity: 4 },
    then: { sound: true, focus: true, openCameras: true, notifyRoles: ['supervisor'], revertOnAck: true },
  },
  {
    // 重大 (grade 3): operators must not miss it, so it sounds until acknowledged; but it is common
    // enough that the walls keep their tour (an operator may focus by hand).
    id: 'serious-case',
    name: '重大事件',
    when: { kind: 'case', minSeverity: 3 },
    then: { sound: true, notifyRoles: ['operator'] },
  },
  {
    // AI detections where minutes matter (fire or smoke, water on the road, a fight, a crowd
    // forming): sound and open the camera so the operator confirms or dismisses from the picture.
    // No focus: the detection is not a case yet, and smoke detectors see steam and cooking too.
    id: 'urgent-camera-alarm',
    name: 'AI紧急告警',
    when: { kind: 'camera_alarm', types: ['fire_smoke', 'flooding', 'fight', 'crowd'] },
    then: { sound: true, openCameras: true, notifyRoles: ['operator'] },
  },
  {
    // A grave case (重大 and above) that has just run past its deadline: its limits are short and
    // often on the natural clock (fast track), and the room must hear of it at once, at any hour.
    id: 'serious-case-overdue',
    name: '重大事件超期',
    when: { kind: 'overdue', overWorkingHours: 0, minSeverity: 3 },
    then: { sound: true, notifyRoles: ['supervisor'] },
  },
  {
    // A case more than a working day past its stage deadline (8 working hours, a little over the
    // default calendar's 7.5 h day) is a matter for supervision (督办): the supervisors are told,
    // once per case. Silent, because overdue cases are many and none of them is an emergency.
    id: 'overdue-working-day',
    name: '超期一个工作日',
    when: { kind: 'overdue', overWorkingHours: 8 },
    then: { notifyRoles: ['supervisor'], repeat: false },
  },
];
