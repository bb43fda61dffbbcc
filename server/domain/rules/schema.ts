/**
 * The rules file (issue 16 part 4, docs/rules.md): "when <trigger> then <actions>". Every object
 * is strict, so a misspelt key ("catgories") stops the hub instead of silently widening a rule to
 * every category. Checks that need the deployment's tables (category and region codes) are the
 * loader's (load.ts); everything that can be said from the file alone is said here.
 */
import { z } from 'zod';
import { Role } from '@shared/schemas/auth';
import { CameraAlarmType } from '@shared/schemas/camera';
import { RegionCode } from '@shared/schemas/common';
import { CategoryCode } from '@shared/schemas/incident';

/** the most rules a file may hold: each trigger is checked against every rule */
export const MAX_RULES = 200;
/** an overdue threshold beyond a working year (≈ 250 days × 8 h) is a typo */
export const MAX_OVERDUE_WORKING_HOURS = 2_000;

export const RuleId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'a slug: lowercase letters, digits and -, 1 to 48 characters, not starting with -');

/** an empty list would match nothing at all, which nobody means: leaving the key out means "any" */
const nonEmpty = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).min(1, `list at least one ${what}, or leave the key out to mean any`).max(100);

const Categories = nonEmpty(CategoryCode, 'category code');
const Regions = nonEmpty(RegionCode, 'region code');
/** 1 一般 · 2 较大 · 3 重大 · 4 特别重大 (a plain range says so better than a union of literals) */
const MinSeverity = z.number().int('a whole grade, 1 to 4').min(1, 'a grade from 1 (一般) to 4 (特别重大)').max(4, 'a grade from 1 (一般) to 4 (特别重大)').default(1);

export const CaseTriggerSchema = z.strictObject({
  kind: z.literal('case'),
  /** category codes of the deployment's table; absent: any category */
  categories: Categories.optional(),
  /** the case's severity is at least this (4 特别重大 … 1 一般) */
  minSeverity: MinSeverity,
  /** the case lies in (or below) one of these regions; absent: anywhere */
  regions: Regions.optional(),
});

export const CameraAlarmTriggerSchema = z.strictObject({
  kind: z.literal('camera_alarm'),
  /** the AI detection types; absent: any type */
  types: nonEmpty(CameraAlarmType, 'alarm type').optional(),
  regions: Regions.optional(),
});

export const OverdueTriggerSchema = z.strictObject({
  kind: z.literal('overdue'),
  /**
   * fires once the case is overdue by MORE than this many working hours (business calendar); 0:
   * as soon as it becomes overdue, at any hour (a fast-track case runs on the natural clock)
   */
  overWorkingHours: z.number().min(0).max(MAX_OVERDUE_WORKING_HOURS),
  categories: Categories.optional(),
  minSeverity: MinSeverity,
  regions: Regions.optional(),
});

export const TriggerSchema = z.discriminatedUnion('kind', [CaseTriggerSchema, CameraAlarmTriggerSchema, OverdueTriggerSchema], {
  error: 'kind must be "case", "camera_alarm" or "overdue"',
});

export const ActionsSchema = z.strictObject({
  /** walls and consoles sound the alert */
  sound: z.boolean().default(false),
  /** the walls of the focus region (match.ts: focusRegion) go to the case */
  focus: z.boolean().default(false),
  /** open the video streams: the focus's camera panel, or the alarming camera's for a camera alarm */
  openCameras: z.boolean().default(false),
  /** roles told at once (supervisors are told on escalation in any case) */
  notifyRoles: z.array(Role).max(4).default([]),
  /** acknowledging the alert ends the focus the rule started, and the walls return */
  revertOnAck: z.boolean().default(false),
  /** a waiting alert sounds again and escalates; false: raised once, then it only waits */
  repeat: z.boolean().default(true),
});

export const RuleSchema = z
  .strictObject({
    id: RuleId,
    /** shown on walls and in the alert list */
    name: z.string().trim().min(1).max(60),
    enabled: z.boolean().default(true),
    when: TriggerSchema,
    then: ActionsSchema,
  })
  .superRefine((rule, ctx) => {
    if (rule.then.revertOnAck && !rule.then.focus) {
      ctx.addIssue({ code: 'custom', path: ['then', 'revertOnAck'], message: 'revertOnAck ends the focus the rule started: it needs "focus": true' });
    }
    // Outside a camera alarm (which carries its camera) the streams open in the focus's camera
    // panel: without a focus there is nowhere to open them, and a flag that does nothing misleads.
    if (rule.when.kind !== 'camera_alarm' && rule.then.openCameras && !rule.then.focus) {
      ctx.addIssue({ code: 'custom', path: ['then', 'openCameras'], message: 'on a case the streams open in the focus\'s camera panel: openCameras needs "focus": true' });
    }
    // A Focus is on a case (Focus.incidentId); an AI alarm is not one until a person confirms it.
    // Putting every wall on an unconfirmed detection would also move them for every false smoke.
    if (rule.when.kind === 'camera_alarm' && rule.then.focus) {
      ctx.addIssue({
        code: 'custom',
        path: ['then', 'focus'],
        message: 'a camera alarm is not a case until someone confirms it, and a focus is on a case: use a "case" rule (e.g. category fire_safety) to focus',
      });
    }
  });

export const RulesFileSchema = z
  .strictObject({ rules: z.array(RuleSchema).max(MAX_RULES) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `the id "${rule.id}" is used by an earlier rule: ids must be unique` });
      seen.add(rule.id);
    });
  });

export type Rule = z.output<typeof RuleSchema>;
/** a rule as written in a file (defaulted keys may be left out) */
export type RuleInput = z.input<typeof RuleSchema>;
export type RulesFile = z.output<typeof RulesFileSchema>;
export type RulesFileInput = z.input<typeof RulesFileSchema>;
export type TriggerCondition = Rule['when'];
export type CaseTriggerCondition = z.output<typeof CaseTriggerSchema>;
export type CameraAlarmTriggerCondition = z.output<typeof CameraAlarmTriggerSchema>;
export type OverdueTriggerCondition = z.output<typeof OverdueTriggerSchema>;
export type RuleActions = z.output<typeof ActionsSchema>;
