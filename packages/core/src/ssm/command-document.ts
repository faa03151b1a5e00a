/**
 * The SSM Command document (schemaVersion 2.2) of one package: everything the AWS runtime ever sends to a host. The
 * package files travel inside the document; a SendCommand only picks a `job` from a closed list and passes the
 * job's environment and stdin as base64, so no caller of SendCommand can make the document run anything else.
 */
import { SEMVER_PATTERN } from '../manifest/field-schemas.js';
import { scriptPathProblem } from '../manifest/script-path.js';
import { utf8Length } from './base64.js';
import { SsmDocumentError } from './errors.js';
import { SSM_JOB_ID_PATTERN, type SsmJob } from './jobs.js';
import { linuxRunCommand } from './linux-step.js';
import { sha256Hex } from './sha256.js';
import { planStep, type SsmPackageFile } from './step-plan.js';
import { windowsRunCommand } from './windows-step.js';

/** SSM's size limit of a document, which also counts the parameter values sent at run time. */
export const SSM_DOCUMENT_MAX_BYTES = 64 * 1024;
/** Room kept free for the `env` and `stdin` values of a SendCommand (see ssmParameterRoom). */
export const SSM_PARAMETER_RESERVE_BYTES = 16 * 1024;
/** Default `executionTimeout` (seconds) when a SendCommand sets none. */
export const SSM_DEFAULT_EXECUTION_TIMEOUT = '600';

export const SSM_BASE64_PATTERN = '^[A-Za-z0-9+/]*={0,2}$';
export const SSM_EXECUTION_TIMEOUT_PATTERN = '^[1-9][0-9]{0,4}$';
export const SSM_LINUX_STEP = 'healopsLinux';
export const SSM_WINDOWS_STEP = 'healopsWindows';

export interface SsmDocumentInput {
  readonly package: string;
  readonly version: string;
  readonly description?: string;
  /** Every job the document may run (ssmJobsOf(manifest)). */
  readonly jobs: readonly SsmJob[];
  /** The package files the jobs need: at least every script they run (ssmScriptPaths(jobs)). */
  readonly files: readonly SsmPackageFile[];
  /** Size limit of the document's JSON in bytes; default SSM_DOCUMENT_MAX_BYTES - SSM_PARAMETER_RESERVE_BYTES. */
  readonly maxBytes?: number;
}

export interface SsmDocumentParameter {
  readonly type: 'String';
  readonly description: string;
  readonly default?: string;
  readonly allowedValues?: readonly string[];
  readonly allowedPattern?: string;
}

export interface SsmDocumentStep {
  readonly action: 'aws:runShellScript' | 'aws:runPowerShellScript';
  readonly name: string;
  readonly precondition: { readonly StringEquals: readonly ['platformType', 'Linux' | 'Windows'] };
  readonly inputs: { readonly runCommand: readonly string[]; readonly timeoutSeconds: string };
}

export interface SsmDocumentContent {
  readonly schemaVersion: '2.2';
  readonly description: string;
  readonly parameters: {
    readonly job: SsmDocumentParameter;
    readonly env: SsmDocumentParameter;
    readonly stdin: SsmDocumentParameter;
    readonly executionTimeout: SsmDocumentParameter;
  };
  readonly mainSteps: readonly [SsmDocumentStep, SsmDocumentStep];
}

export interface SsmCommandDocument {
  /** Suggested document name: `HealOps-<package>`. */
  readonly name: string;
  /** DocumentVersionName: the package version and the first 12 hex digits of the hash (`1.2.0-3f2a9c01b7de`). */
  readonly versionName: string;
  /** SHA-256 (hex) of `json`. */
  readonly hash: string;
  readonly content: SsmDocumentContent;
  /** The document as sent to CreateDocument (Content, DocumentFormat JSON). */
  readonly json: string;
  /** Size of `json` in bytes (UTF-8). */
  readonly bytes: number;
  readonly jobIds: readonly string[];
}

const JOB_ID_RE = new RegExp(SSM_JOB_ID_PATTERN);
const SEMVER_RE = new RegExp(SEMVER_PATTERN);

/** SSM substitutes `{{` anywhere; a description is plain text, so its braces are spaced out. */
function plainText(text: string): string {
  return text.replaceAll('{{', '{ {');
}

function checkInput(input: SsmDocumentInput): void {
  const fail = (message: string) => new SsmDocumentError(`package ${input.package}: ${message}`);
  if (!SEMVER_RE.test(input.version)) {
    throw fail(`version ${JSON.stringify(input.version)} is not a semantic version`);
  }
  if (input.jobs.length === 0) {
    throw fail('no jobs: an SSM document needs at least one check or stats job');
  }
  const ids = new Set<string>();
  for (const job of input.jobs) {
    if (!JOB_ID_RE.test(job.id)) {
      throw fail(`job id ${JSON.stringify(job.id)} does not match ${SSM_JOB_ID_PATTERN}`);
    }
    if (ids.has(job.id)) {
      throw fail(`job id ${job.id} is listed twice`);
    }
    ids.add(job.id);
    if (job.argv[0] === undefined || job.argv[0] === '') {
      throw fail(`job ${job.id} has no program to run`);
    }
  }
  const paths = new Set<string>();
  for (const file of input.files) {
    const problem = scriptPathProblem(file.relativePath);
    if (problem !== undefined) {
      throw fail(problem.replace(/^script/, 'file'));
    }
    if (paths.has(file.relativePath)) {
      throw fail(`file ${JSON.stringify(file.relativePath)} is listed twice`);
    }
    paths.add(file.relativePath);
  }
  for (const job of input.jobs) {
    const script = job.argv[0] ?? '';
    const file = input.files.find((f) => f.relativePath === script);
    const covers = file !== undefined && (file.platform === 'any' || file.platform === job.platform);
    if (job.fromPackage && !covers) {
      throw fail(
        `job ${job.id} runs ${JSON.stringify(script)}, which is not among the package files for ${job.platform}`,
      );
    }
  }
}

function parameters(jobIds: readonly string[]): SsmDocumentContent['parameters'] {
  return {
    job: {
      type: 'String',
      description: 'The job to run: check:<name>, repair:<check name> or stats:<name>',
      allowedValues: jobIds,
    },
    env: {
      type: 'String',
      description: 'The job environment (HEALOPS_* only), encoded by ssmJobEnv',
      default: '',
      allowedPattern: SSM_BASE64_PATTERN,
    },
    stdin: {
      type: 'String',
      description: 'Base64 of what the job reads on standard input (a repair: the check result as JSON)',
      default: '',
      allowedPattern: SSM_BASE64_PATTERN,
    },
    executionTimeout: {
      type: 'String',
      description: 'Seconds the job may run before SSM stops it',
      default: SSM_DEFAULT_EXECUTION_TIMEOUT,
      allowedPattern: SSM_EXECUTION_TIMEOUT_PATTERN,
    },
  };
}

function tooLarge(input: SsmDocumentInput, bytes: number, limit: number): SsmDocumentError {
  const biggest = [...input.files]
    .sort((a, b) => utf8Length(b.content) - utf8Length(a.content))
    .slice(0, 3)
    .map((file) => `${file.relativePath} (${utf8Length(file.content)} bytes)`);
  const files = biggest.length > 0 ? `; biggest files: ${biggest.join(', ')}` : '';
  return new SsmDocumentError(
    `package ${input.package}: its SSM document is ${bytes} bytes, over the limit of ${limit} (SSM allows ${SSM_DOCUMENT_MAX_BYTES} including the parameters sent at run time; files are stored base64, a third larger)${files}`,
  );
}

/** Builds the document; throws SsmDocumentError when the input is unusable or the document too large. */
export function ssmCommandDocument(input: SsmDocumentInput): SsmCommandDocument {
  checkInput(input);
  const jobIds = input.jobs.map((job) => job.id);
  const linux = planStep('linux', input.jobs, input.files);
  const windows = planStep('windows', input.jobs, input.files);
  const timeoutSeconds = '{{ executionTimeout }}';
  const content: SsmDocumentContent = {
    schemaVersion: '2.2',
    description: plainText(
      `HealOps package ${input.package} ${input.version}${input.description ? `: ${input.description}` : ''}`,
    ),
    parameters: parameters(jobIds),
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: SSM_LINUX_STEP,
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: { runCommand: linuxRunCommand(linux, input.package, input.version), timeoutSeconds },
      },
      {
        action: 'aws:runPowerShellScript',
        name: SSM_WINDOWS_STEP,
        precondition: { StringEquals: ['platformType', 'Windows'] },
        inputs: { runCommand: windowsRunCommand(windows, input.package, input.version), timeoutSeconds },
      },
    ],
  };
  const json = JSON.stringify(content);
  const bytes = utf8Length(json);
  const limit = input.maxBytes ?? SSM_DOCUMENT_MAX_BYTES - SSM_PARAMETER_RESERVE_BYTES;
  if (bytes > limit) {
    throw tooLarge(input, bytes, limit);
  }
  const hash = sha256Hex(json);
  return {
    name: `HealOps-${input.package}`,
    versionName: `${input.version.replace(/[^a-zA-Z0-9_.-]/g, '_')}-${hash.slice(0, 12)}`,
    hash,
    content,
    json,
    bytes,
    jobIds,
  };
}

/** Bytes left for the parameter values of a SendCommand of `document` (SSM counts them with the document). */
export function ssmParameterRoom(document: Pick<SsmCommandDocument, 'bytes'>): number {
  return SSM_DOCUMENT_MAX_BYTES - document.bytes;
}
