import { apiError, SsmEmulatorSetupError } from './errors.js';
import { LIMITS } from './limits.js';
import type { Platform } from './types.js';

/*
 * SSM Command documents (schemaVersion 2.2) as the emulator keeps them: validated when added (what CreateDocument
 * would refuse is a setup error), versioned like SSM ($DEFAULT is version 1 until changed, $LATEST the newest), and
 * the parameter checks and `{{ name }}` substitution SendCommand and the agent perform.
 */

export const SUPPORTED_ACTIONS = ['aws:runShellScript', 'aws:runPowerShellScript'] as const;
export type StepAction = (typeof SUPPORTED_ACTIONS)[number];

/** Platforms each plugin runs on; a document's platforms are the union over its steps. */
const ACTION_PLATFORMS: Readonly<Record<StepAction, readonly Platform[]>> = {
  'aws:runShellScript': ['linux'],
  'aws:runPowerShellScript': ['windows', 'linux'],
};

const PARAMETER_TYPES = ['String', 'StringList', 'Integer', 'Boolean'] as const;
type ParameterType = (typeof PARAMETER_TYPES)[number];

export interface DocumentParameter {
  readonly type: ParameterType;
  readonly default: readonly string[] | undefined;
  readonly allowedValues: readonly string[] | undefined;
  readonly allowedPattern: RegExp | undefined;
}

export interface DocumentStep {
  readonly name: string;
  readonly action: StepAction;
  /** `{"StringEquals": ["platformType", "Linux"]}` -> 'linux'; undefined: no precondition. */
  readonly precondition: { readonly raw: readonly [string, string]; readonly platform: string } | undefined;
  readonly runCommand: readonly string[] | string;
  readonly timeoutSeconds: string | number | undefined;
  readonly workingDirectory: string | undefined;
}

export interface CommandDocument {
  readonly name: string;
  readonly version: string;
  readonly parameters: ReadonlyMap<string, DocumentParameter>;
  readonly steps: readonly DocumentStep[];
  readonly platforms: ReadonlySet<Platform>;
}

const STEP_NAME = /^[a-zA-Z0-9_.-]{1,100}$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

function parseParameter(name: string, raw: unknown, problems: string[]): DocumentParameter | undefined {
  if (!isRecord(raw)) {
    problems.push(`parameters.${name} must be an object`);
    return undefined;
  }
  const type = raw.type;
  if (!PARAMETER_TYPES.includes(type as ParameterType)) {
    problems.push(`parameters.${name}.type must be one of ${PARAMETER_TYPES.join(', ')}`);
    return undefined;
  }
  let allowedPattern: RegExp | undefined;
  if (raw.allowedPattern !== undefined) {
    try {
      allowedPattern = new RegExp(String(raw.allowedPattern));
    } catch (error) {
      problems.push(`parameters.${name}.allowedPattern is not a regular expression: ${String(error)}`);
    }
  }
  return {
    type: type as ParameterType,
    default: raw.default === undefined ? undefined : stringList(raw.default),
    allowedValues: raw.allowedValues === undefined ? undefined : stringList(raw.allowedValues),
    allowedPattern,
  };
}

function parsePrecondition(step: string, raw: unknown, problems: string[]): DocumentStep['precondition'] {
  if (raw === undefined) return undefined;
  const args = isRecord(raw) ? raw.StringEquals : undefined;
  if (!Array.isArray(args) || args.length !== 2 || !args.every((a) => typeof a === 'string')) {
    problems.push(`mainSteps ${step}: precondition must be {"StringEquals": ["platformType", "<Platform>"]}`);
    return undefined;
  }
  const [a, b] = args as [string, string];
  if (a !== 'platformType' && b !== 'platformType') {
    problems.push(`mainSteps ${step}: only platformType preconditions are emulated`);
    return undefined;
  }
  return { raw: [a, b], platform: (a === 'platformType' ? b : a).toLowerCase() };
}

function parseStep(
  raw: unknown,
  index: number,
  names: Set<string>,
  problems: string[],
): DocumentStep | undefined {
  if (!isRecord(raw)) {
    problems.push(`mainSteps[${index}] must be an object`);
    return undefined;
  }
  const name = raw.name;
  if (typeof name !== 'string' || !STEP_NAME.test(name)) {
    problems.push(`mainSteps[${index}].name must match ${STEP_NAME.source}`);
    return undefined;
  }
  if (names.has(name)) problems.push(`mainSteps[${index}].name ${name} is not unique`);
  names.add(name);
  const action = raw.action;
  if (!SUPPORTED_ACTIONS.includes(action as StepAction)) {
    problems.push(
      `mainSteps ${name}: action ${String(action)} is not emulated (${SUPPORTED_ACTIONS.join(', ')})`,
    );
    return undefined;
  }
  const inputs = isRecord(raw.inputs) ? raw.inputs : {};
  const runCommand = inputs.runCommand;
  const commandOk =
    typeof runCommand === 'string' ||
    (Array.isArray(runCommand) && runCommand.every((line) => typeof line === 'string'));
  if (!commandOk) {
    problems.push(`mainSteps ${name}: inputs.runCommand must be a list of strings or a "{{ parameter }}"`);
    return undefined;
  }
  const timeout = inputs.timeoutSeconds;
  return {
    name,
    action: action as StepAction,
    precondition: parsePrecondition(name, raw.precondition, problems),
    runCommand: runCommand as string | string[],
    timeoutSeconds: typeof timeout === 'string' || typeof timeout === 'number' ? timeout : undefined,
    workingDirectory: typeof inputs.workingDirectory === 'string' ? inputs.workingDirectory : undefined,
  };
}

/** Parses and checks a Command document; throws SsmEmulatorSetupError listing every problem. */
export function parseDocument(name: string, version: string, content: string | object): CommandDocument {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  if (Buffer.byteLength(text) > LIMITS.documentBytes)
    throw new SsmEmulatorSetupError(`document ${name} is larger than ${LIMITS.documentBytes} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SsmEmulatorSetupError(`document ${name} is not JSON`, { cause: error });
  }
  const problems: string[] = [];
  if (!isRecord(raw)) throw new SsmEmulatorSetupError(`document ${name} must be a JSON object`);
  if (raw.schemaVersion !== '2.2')
    problems.push(`schemaVersion must be "2.2" (got ${String(raw.schemaVersion)})`);
  const parameters = new Map<string, DocumentParameter>();
  if (raw.parameters !== undefined) {
    if (!isRecord(raw.parameters)) problems.push('parameters must be an object');
    else
      for (const [key, value] of Object.entries(raw.parameters)) {
        const parameter = parseParameter(key, value, problems);
        if (parameter !== undefined) parameters.set(key, parameter);
      }
  }
  const steps: DocumentStep[] = [];
  if (!Array.isArray(raw.mainSteps) || raw.mainSteps.length === 0)
    problems.push('mainSteps must be a non-empty list');
  else {
    const names = new Set<string>();
    raw.mainSteps.forEach((step, index) => {
      const parsed = parseStep(step, index, names, problems);
      if (parsed !== undefined) steps.push(parsed);
    });
  }
  if (problems.length > 0)
    throw new SsmEmulatorSetupError(
      `document ${name} is not a valid Command document:\n${problems.join('\n')}`,
    );
  const platforms = new Set<Platform>(steps.flatMap((s) => ACTION_PLATFORMS[s.action]));
  return { name, version, parameters, steps, platforms };
}

/** What SendCommand checks about Parameters; answers the values to substitute (defaults filled in). */
export function resolveParameters(
  document: CommandDocument,
  given: Readonly<Record<string, unknown>> | undefined,
): Map<string, readonly string[]> {
  const values = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(given ?? {})) {
    const parameter = document.parameters.get(key);
    if (parameter === undefined)
      throw apiError.invalidParameters(`Parameter "${key}" is not defined in document ${document.name}.`);
    const list = stringList(value);
    if (list === undefined) throw apiError.invalidParameters(`Parameter "${key}" must be a list of strings.`);
    values.set(key, list);
  }
  for (const [key, parameter] of document.parameters) {
    const list = values.get(key) ?? parameter.default;
    if (list === undefined) throw apiError.invalidParameters(`Required parameter "${key}" is missing.`);
    checkParameter(key, parameter, list);
    values.set(key, list);
  }
  return values;
}

function checkParameter(key: string, parameter: DocumentParameter, list: readonly string[]): void {
  if (parameter.type !== 'StringList' && list.length !== 1)
    throw apiError.invalidParameters(`Parameter "${key}" of type ${parameter.type} takes exactly one value.`);
  for (const value of list) {
    if (parameter.type === 'Integer' && !/^-?\d+$/.test(value))
      throw apiError.invalidParameters(`Parameter "${key}" must be an Integer.`);
    if (parameter.type === 'Boolean' && value !== 'true' && value !== 'false')
      throw apiError.invalidParameters(`Parameter "${key}" must be a Boolean.`);
    if (parameter.allowedValues !== undefined && !parameter.allowedValues.includes(value))
      throw apiError.invalidParameters(
        `Parameter "${key}" has a value that is not one of the allowed values: ${parameter.allowedValues.join(', ')}.`,
      );
    if (parameter.allowedPattern !== undefined && !parameter.allowedPattern.test(value))
      throw apiError.invalidParameters(
        `Parameter "${key}" has a value not matching the allowed pattern ${parameter.allowedPattern.source}.`,
      );
  }
}

/** Textual `{{ name }}` substitution as SSM does it; a list value inside a line is joined with commas. */
export function substitute(text: string, values: ReadonlyMap<string, readonly string[]>): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => {
    const value = values.get(key);
    return value === undefined ? whole : value.join(',');
  });
}

/** The script lines of a step: a whole-line `{{ list }}` expands to the list's lines, the rest is substituted. */
export function scriptLines(step: DocumentStep, values: ReadonlyMap<string, readonly string[]>): string[] {
  const lines = typeof step.runCommand === 'string' ? [step.runCommand] : step.runCommand;
  return lines.flatMap((line) => {
    const whole = WHOLE_PLACEHOLDER.exec(line.trim());
    const list = whole?.[1] === undefined ? undefined : values.get(whole[1]);
    return list !== undefined ? [...list] : [substitute(line, values)];
  });
}

/** A step's execution timeout in SSM seconds (`inputs.timeoutSeconds`, possibly a parameter). */
export function stepTimeoutSeconds(
  step: DocumentStep,
  values: ReadonlyMap<string, readonly string[]>,
): number {
  if (step.timeoutSeconds === undefined) return LIMITS.executionTimeoutDefault;
  const seconds = Number(substitute(String(step.timeoutSeconds), values));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : LIMITS.executionTimeoutDefault;
}

/** The agent's message for a step whose precondition does not hold on this node. */
export function skippedMessage(step: DocumentStep): string {
  const [a, b] = step.precondition?.raw ?? ['', ''];
  return `Step execution skipped due to unsatisfied preconditions: '"StringEquals": [${a}, ${b}]'. Step name: ${step.name}`;
}

/** Document versions by name, with SSM's $DEFAULT / $LATEST. */
export class DocumentRegistry {
  readonly #versions = new Map<string, CommandDocument[]>();
  readonly #defaults = new Map<string, string>();

  add(name: string, content: string | object): CommandDocument {
    const versions = this.#versions.get(name) ?? [];
    const document = parseDocument(name, String(versions.length + 1), content);
    versions.push(document);
    this.#versions.set(name, versions);
    if (!this.#defaults.has(name)) this.#defaults.set(name, document.version);
    return document;
  }

  setDefaultVersion(name: string, version: string): void {
    const versions = this.#versions.get(name);
    if (versions?.some((d) => d.version === version) !== true)
      throw new SsmEmulatorSetupError(`document ${name} has no version ${version}`);
    this.#defaults.set(name, version);
  }

  resolve(name: string, version: string | undefined): CommandDocument {
    const versions = this.#versions.get(name);
    if (versions === undefined) throw apiError.invalidDocument(`Document ${name} does not exist.`);
    const wanted =
      version === undefined || version === '$DEFAULT'
        ? this.#defaults.get(name)
        : version === '$LATEST'
          ? versions.at(-1)?.version
          : version;
    const document = versions.find((d) => d.version === wanted);
    if (document === undefined)
      throw apiError.invalidDocumentVersion(`Document ${name} has no version ${String(version)}.`);
    return document;
  }
}
