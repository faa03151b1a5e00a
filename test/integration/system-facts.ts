import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';

/** Where Debian's monitoring-plugins-basic installs the plugins. */
export const PLUGIN_DIR = '/usr/lib/nagios/plugins';

/** Plugins (all from monitoring-plugins-basic) that the integration tests need, or the error to fail with. */
export function missingPluginsError(plugins: readonly string[]): Error | undefined {
  const missing = plugins.filter((name) => {
    try {
      accessSync(`${PLUGIN_DIR}/${name}`, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return undefined;
  return new Error(
    `monitoring plugins missing: ${missing.map((m) => `${PLUGIN_DIR}/${m}`).join(', ')}. ` +
      'Install them with `apt-get install -y monitoring-plugins-basic` (as root; .ci/run does this)' +
      (process.env.CI === 'true' ? ' — CI=true, so these tests fail instead of being skipped.' : '.'),
  );
}

export interface DiskUsage {
  readonly totalBytes: number;
  readonly usedBytes: number;
  readonly availableBytes: number;
  /** Free percent as check_disk counts it: available / (used + available). */
  readonly freePercent: number;
}

/** `df -P -B1 PATH`, the reference for check_disk. */
export function df(path: string): DiskUsage {
  const lines = execFileSync('df', ['-P', '-B1', path], { encoding: 'utf8' }).trim().split('\n');
  const fields = (lines.at(-1) ?? '').trim().split(/\s+/);
  // Filesystem 1-blocks Used Available Capacity Mounted-on (read from the end: the device name may hold spaces).
  const [total, used, available] = fields.slice(-5, -2).map(Number);
  if (total === undefined || used === undefined || available === undefined || Number.isNaN(total + used)) {
    throw new Error(`cannot read df output:\n${lines.join('\n')}`);
  }
  return {
    totalBytes: total,
    usedBytes: used,
    availableBytes: available,
    freePercent: (available / (used + available)) * 100,
  };
}

/** Number of processes (numeric folders in /proc), the reference for check_procs. */
export function processCount(): number {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;
}

/** SwapTotal and SwapFree from /proc/meminfo in bytes, the reference for check_swap. */
export function swap(): { totalBytes: number; freeBytes: number } {
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(meminfo);
    if (!match?.[1]) throw new Error(`no ${field} in /proc/meminfo`);
    return Number(match[1]) * 1024;
  };
  return { totalBytes: kib('SwapTotal'), freeBytes: kib('SwapFree') };
}

const BYTE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** A perfdata byte value in bytes (the plugins use 1024-based multiples; versions differ in the unit they pick). */
export function toBytes(value: number, unit: string): number {
  const factor = BYTE_UNITS[unit];
  if (factor === undefined) throw new Error(`"${unit}" is not a byte unit`);
  return value * factor;
}

export interface PluginRun {
  readonly code: number | null;
  readonly stdout: string;
}

/** Runs a plugin directly (no shell), the reference for `healops check`. */
export function runPlugin(argv: readonly string[]): Promise<PluginRun> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = argv;
    if (program === undefined) throw new Error('empty argv');
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}
