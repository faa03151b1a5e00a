/**
 * Cross-field rules of healops.yaml. They read the raw document defensively (any part may be malformed), so they
 * run even when the schema found other problems and every problem is reported at once.
 */
import type { z } from 'zod';
import { findPlaceholders } from './placeholders.js';

export type IssuePath = readonly (string | number)[];

export interface RuleIssue {
  readonly path: IssuePath;
  readonly message: string;
}

type Dict = Readonly<Record<string, unknown>>;

function asDict(value: unknown): Dict | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
}

function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

interface Job {
  readonly section: 'checks' | 'stats';
  readonly index: number;
  readonly body: Dict;
  readonly name: string | undefined;
}

function jobsOf(manifest: Dict): Job[] {
  const jobs: Job[] = [];
  for (const section of ['checks', 'stats'] as const) {
    asList(manifest[section]).forEach((item, index) => {
      const body = asDict(item);
      if (body) {
        const name = typeof body.name === 'string' ? body.name : undefined;
        jobs.push({ section, index, body, name });
      }
    });
  }
  return jobs;
}

function scriptOrCommand(body: Dict, path: IssuePath, what: string, issues: RuleIssue[]): void {
  const hasScript = body.script !== undefined;
  const hasCommand = body.command !== undefined;
  if (!hasScript && !hasCommand) {
    issues.push({ path, message: `${what} needs a script (a file in the package) or a command` });
  } else if (hasScript && hasCommand) {
    issues.push({ path: [...path, 'command'], message: `${what} has both script and command; keep one` });
  }
}

function duplicateNames(jobs: readonly Job[], issues: RuleIssue[]): void {
  const seen = new Map<string, Job>();
  for (const job of jobs) {
    if (job.name === undefined) {
      continue;
    }
    const first = seen.get(job.name);
    if (first) {
      issues.push({
        path: [job.section, job.index, 'name'],
        message: `duplicate name ${JSON.stringify(job.name)} (also ${first.section}[${first.index}]); check and stats names must be unique`,
      });
    } else {
      seen.set(job.name, job);
    }
  }
}

function dependencyEdges(jobs: readonly Job[], issues: RuleIssue[]): Map<string, string[]> {
  const checkNames = jobs.filter((j) => j.section === 'checks' && j.name !== undefined).map((j) => j.name);
  const edges = new Map<string, string[]>();
  for (const job of jobs) {
    if (job.section !== 'checks') {
      continue;
    }
    const parents: string[] = [];
    asList(job.body.dependsOn).forEach((parent, i) => {
      const path = ['checks', job.index, 'dependsOn', i];
      if (typeof parent !== 'string') {
        return;
      }
      if (parent === job.name) {
        issues.push({ path, message: `check ${JSON.stringify(parent)} cannot depend on itself` });
      } else if (!checkNames.includes(parent)) {
        const known = checkNames.filter((n) => n !== job.name).join(', ') || 'none';
        issues.push({
          path,
          message: `unknown check ${JSON.stringify(parent)} (checks in this package: ${known})`,
        });
      } else if (parents.includes(parent)) {
        issues.push({ path, message: `${JSON.stringify(parent)} is listed twice` });
      } else {
        parents.push(parent);
      }
    });
    if (job.name !== undefined && !edges.has(job.name)) {
      edges.set(job.name, parents);
    }
  }
  return edges;
}

/** Each cycle once, as the list of names from its first check (in manifest order) back to that check. */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    const at = trail.indexOf(name);
    if (at >= 0) {
      cycles.push([...trail.slice(at), name]);
      return;
    }
    if (done.has(name)) {
      return;
    }
    trail.push(name);
    for (const parent of edges.get(name) ?? []) {
      visit(parent, trail);
    }
    trail.pop();
    done.add(name);
  };
  for (const name of edges.keys()) {
    visit(name, []);
  }
  return cycles;
}

function dependencyCycles(jobs: readonly Job[], edges: Map<string, string[]>, issues: RuleIssue[]): void {
  for (const cycle of findCycles(edges)) {
    const start = jobs.find((j) => j.section === 'checks' && j.name === cycle[0]);
    issues.push({
      path: start ? ['checks', start.index, 'dependsOn'] : [],
      message: `dependency cycle: ${cycle.join(' → ')}`,
    });
  }
}

function commandPlaceholders(
  command: unknown,
  path: IssuePath,
  declared: readonly string[],
  issues: RuleIssue[],
) {
  asList(command).forEach((arg, i) => {
    if (typeof arg !== 'string') {
      return;
    }
    for (const placeholder of findPlaceholders(arg)) {
      if (placeholder.param === undefined) {
        issues.push({
          path: [...path, i],
          message: `unsupported placeholder ${JSON.stringify(placeholder.raw)} (only \${params.<name>} is supported; write $\${ for a literal \${)`,
        });
      } else if (!declared.includes(placeholder.param)) {
        const known =
          declared.length > 0 ? `declared: ${declared.join(', ')}` : 'the package declares no params';
        issues.push({
          path: [...path, i],
          message: `${JSON.stringify(placeholder.raw)} names an undeclared parameter ${JSON.stringify(placeholder.param)} (${known})`,
        });
      }
    }
  });
}

function paramRules(params: Dict | undefined, issues: RuleIssue[]): void {
  for (const [name, raw] of Object.entries(params ?? {})) {
    const param = asDict(raw);
    if (param?.required === true && param.default !== undefined) {
      issues.push({
        path: ['params', name, 'default'],
        message: `parameter ${JSON.stringify(name)} is required and has a default; drop one (required means "no default")`,
      });
    }
  }
}

/** Every cross-field problem of a (possibly malformed) healops.yaml document. */
export function manifestRuleIssues(document: unknown): RuleIssue[] {
  const manifest = asDict(document);
  if (!manifest) {
    return [];
  }
  const issues: RuleIssue[] = [];
  const params = asDict(manifest.params);
  const declared = Object.keys(params ?? {});
  const jobs = jobsOf(manifest);
  if (asList(manifest.checks).length === 0 && asList(manifest.stats).length === 0) {
    issues.push({ path: [], message: 'the package defines no checks and no stats' });
  }
  for (const job of jobs) {
    const path = [job.section, job.index];
    const what =
      job.name === undefined ? (job.section === 'checks' ? 'check' : 'stats job') : JSON.stringify(job.name);
    scriptOrCommand(job.body, path, what, issues);
    commandPlaceholders(job.body.command, [...path, 'command'], declared, issues);
    const repair = asDict(job.body.repair);
    if (repair) {
      scriptOrCommand(repair, [...path, 'repair'], `the repair of ${what}`, issues);
      commandPlaceholders(repair.command, [...path, 'repair', 'command'], declared, issues);
    }
  }
  duplicateNames(jobs, issues);
  dependencyCycles(jobs, dependencyEdges(jobs, issues), issues);
  paramRules(params, issues);
  return issues;
}

/** zod superRefine adapter: adds the rule issues to the parse. */
export function addRuleIssues(document: unknown, ctx: z.RefinementCtx): void {
  for (const issue of manifestRuleIssues(document)) {
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message, input: undefined });
  }
}
