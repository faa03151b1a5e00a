import type { ResolvedCheck } from '@healops/core';

/*
 * What a host's checks print, for the cost measurement: the stdout of the catalog's linux-base jobs, captured on
 * this machine on 2026-12-04 with `healops check linux-base/<job> catalog/linux-base --json` (the `output` field).
 * clock-sync answered UNKNOWN here (no time sync tool in this container), so its line is the OK line the script's
 * printf (checks/clock-sync.sh, lines 115-117) prints on a synchronised host. All eight are modelled as checks
 * (status + state), as the estimate's "10 checks per host" are; their perfdata is what real hosts publish.
 */

export const PACKAGE = 'linux-base';
export const VERSION = '1.0.0';
export const ENVIRONMENT = 'prod';
export const SCHEDULE = 'rate(5 minutes)';

export const SAMPLE_OUTPUTS: Readonly<Record<string, string>> = {
  'disk-space':
    "DISK OK - 1 filesystem below 80% used, fullest / 14% | '/'=12641MB;74610;83937;0;258020\n" +
    '/ (ext4, /dev/vda): 14% used, 80622 MB free of 258020 MB [ok]',
  load: "LOAD OK - load average 1.81, 3.40, 2.33 on 2 cores (per core 0.91, 1.70, 1.17; warn 2, crit 4) | 'load1'=1.81;;;0 'load5'=3.40;4.00;8.00;0 'load15'=2.33;4.00;8.00;0",
  memory:
    "MEMORY OK - 97.5% available (23496 MB of 24105 MB; warn below 10%, crit below 5%) | 'available'=23496MB;2411:;1205:;0;24105 'available_pct'=97.5%;10:;5:;0;100 'swap_used'=0MB;;;0;0",
  process: "PROCS OK - init process (PID 1, process_api): 1 running (PID 1) | 'processes'=1;;1:;0",
  'clock-sync':
    "CLOCK OK - synchronised, offset 0.000412 s (chronyc) | 'synchronized'=1;;;0;1 'offset'=0.000412s;-1:1;-10:10",
  processes:
    "PROCESSES OK - 92 processes, 166 threads, 3 running, 0 blocked, 0 zombies | 'processes'=92;;;0 'threads'=166;;;0 'running'=3;;;0 'blocked'=0;;;0 'sleeping'=50;;;0 'idle'=39;;;0 'stopped'=0;;;0 'zombies'=0;;;0",
  'tcp-connections':
    "TCP OK - 0 connections (0 established, 0 time_wait, 0 close_wait), 1 listening | 'connections'=0;;;0 'established'=0;;;0 'listen'=1;;;0 'time_wait'=0;;;0 'close_wait'=0;;;0 'syn_recv'=0;;;0 'other'=0;;;0\n" +
    'read from /proc/net/tcp /proc/net/tcp6',
  uptime: "UPTIME OK - up 0 days 02:36 | 'uptime'=9369s;;;0",
};

export const JOB_NAMES: readonly string[] = Object.keys(SAMPLE_OUTPUTS);

/** linux-base's repair of `process` (restart-service.sh: verifyAfter 10s, maxAttempts 1, budget 3 per hour). */
const PROCESS_REPAIR: ResolvedCheck['repair'] = {
  command: {
    argv: ['/bin/sh', 'repairs/restart-service.sh'],
    fromPackage: true,
    display: 'repairs/restart-service.sh',
  },
  verifyAfterMs: 10_000,
  maxAttempts: 1,
  budget: { max: 3, perMs: 3_600_000, backoffMs: 0 },
  timeoutMs: 120_000,
};

function resolved(name: string): ResolvedCheck {
  const argv = ['/bin/sh', `checks/${name}.sh`];
  return {
    ...(name === 'process' ? { repair: PROCESS_REPAIR } : {}),
    kind: 'check',
    package: PACKAGE,
    packageVersion: VERSION,
    name,
    environment: ENVIRONMENT,
    command: { argv, fromPackage: true, display: argv.join(' ') },
    schedule: SCHEDULE,
    timeoutMs: 30_000,
    failAfter: 2,
    unknownAfter: 3,
    failOn: 'critical',
    severity: 'error',
    platform: 'linux',
    dependsOn: [],
    maintenance: [],
    flap: { enabled: true, low: 20, high: 30 },
    reportOnly: false,
    env: {},
    packageDir: `/${PACKAGE}`,
  };
}

export const SAMPLE_CHECKS: readonly ResolvedCheck[] = JOB_NAMES.map(resolved);

/** A valid EC2 instance id (i- + 17 hex digits). */
export function instanceId(n: number): string {
  return `i-${(0x0a000000 + n).toString(16).padStart(17, '0')}`;
}
