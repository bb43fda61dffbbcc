/**
 * Reading the rules at start. A rules file that is wrong stops the hub (the caller lets RulesError
 * end the start-up) with a message that names the file and THE RULE — its place in the file and its
 * id — so the engineer on site goes straight to it: a rule silently dropped would be an alarm that
 * never sounds.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { DEFAULT_RULES } from './defaults';
import { RulesFileSchema, type Rule } from './schema';

/** the deployment's tables, asked about the codes a rule names */
export interface KnownCodes {
  category(code: string): boolean;
  region(code: string): boolean;
}

/** every problem found, the first few in the message (one line, for the start-up log) */
export class RulesError extends Error {
  override readonly name = 'RulesError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

const MAX_LISTED = 5;

/** `text` null: the shipped DEFAULT_RULES, validated the same way. `source` names the file in messages. */
export function loadRules(text: string | null, source: string, known: KnownCodes): Rule[] {
  const where = text === null ? 'default rules' : `rules file ${source}`;
  let json: unknown;
  if (text === null) json = { rules: DEFAULT_RULES };
  else {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new RulesError(`${where}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const parsed = RulesFileSchema.safeParse(json);
  const problems = parsed.success ? unknownCodes(parsed.data.rules, known) : parsed.error.issues.map((issue) => describeIssue(issue, json));
  if (problems.length > 0 || !parsed.success) {
    const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more problems)` : '';
    throw new RulesError(`${where}: ${problems.slice(0, MAX_LISTED).join('; ')}${more}`, problems);
  }
  return parsed.data.rules;
}

/** RULES_FILE's rules, or the defaults when it is not set; a file that is missing is an error, not the defaults */
export async function readRulesFile(path: string | undefined, known: KnownCodes): Promise<Rule[]> {
  if (path === undefined || path === '') return loadRules(null, 'default rules', known);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RulesError(`rules file ${path} does not exist (RULES_FILE names it; unset RULES_FILE for the shipped defaults)`);
    throw new RulesError(`rules file ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return loadRules(text, path, known);
}

/** `rule 2 ("fire-watch")`: its 1-based place in the file and, when it has one, its id as written */
function ruleLabel(index: number, json: unknown): string {
  const raw = (json as { rules?: unknown } | null)?.rules;
  const rule = Array.isArray(raw) ? (raw[index] as { id?: unknown } | undefined) : undefined;
  const id = rule !== null && typeof rule === 'object' && typeof rule.id === 'string' ? ` (${JSON.stringify(rule.id.slice(0, 60))})` : '';
  return `rule ${index + 1}${id}`;
}

/** `when.types[0]` */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  // strict objects: say which key, and that it is most likely a typo
  const message = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (misspelt?)` : issue.message;
  const [top, index, ...rest] = issue.path;
  if (top === 'rules' && typeof index === 'number') {
    return rest.length > 0 ? `${ruleLabel(index, json)}: ${formatPath(rest)}: ${message}` : `${ruleLabel(index, json)}: ${message}`;
  }
  return issue.path.length > 0 ? `${formatPath(issue.path)}: ${message}` : `${message} (a rules file is {"rules": [ … ]})`;
}

/** codes the deployment's tables do not hold: a rule for "fire" when the table says "fire_safety" would never fire */
function unknownCodes(rules: readonly Rule[], known: KnownCodes): string[] {
  const problems: string[] = [];
  rules.forEach((rule, i) => {
    const label = `rule ${i + 1} (${JSON.stringify(rule.id)})`;
    const when = rule.when;
    if (when.kind !== 'camera_alarm') {
      when.categories?.forEach((code, j) => {
        if (!known.category(code)) problems.push(`${label}: when.categories[${j}]: unknown category code "${code}" (not in the category table)`);
      });
    }
    when.regions?.forEach((code, j) => {
      if (!known.region(code)) problems.push(`${label}: when.regions[${j}]: unknown region code "${code}" (not in the region tree)`);
    });
  });
  return problems;
}
