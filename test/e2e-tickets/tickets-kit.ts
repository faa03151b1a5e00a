/**
 * A package whose one check fails until a marker file exists and whose repair never helps, run through the real
 * CLI with a healops.config.yaml whose `tickets:` point at loopback receivers. Secrets travel only in the
 * environment, as users configure them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addPackage, type Fixture, fixture, markerCheck, repairScript } from '../scenarios/scenario-kit.js';
import { type CliResult, healops, json } from '../support/cli.js';

export const SECRETS = {
  PAGERDUTY_ROUTING_KEY: 'R0uT1nGkEy-0123456789abcdef01234',
  JIRA_EMAIL: 'ops-bot@example.com',
  JIRA_API_TOKEN: 'ATATT3xFfGF0-jira-api-token-s3cr3t',
  HEALOPS_WEBHOOK_SECRET: 'whsec_9f8e7d6c5b4a-webhook-s3cr3t',
} as const;

export const DEDUP_KEY = 'healops/web/nginx-up/local';

export interface TicketFixture extends Fixture {
  readonly config: string;
  /** `healops <args> --home <home>` with the config and the secrets in the environment. */
  cli(args: readonly string[]): Promise<CliResult>;
  /** `healops run --once --json`. */
  run(): Promise<CliResult>;
  /** The check passes from now on. */
  recover(): void;
  /** Everything the CLI printed, across every call so far (for the secret scan). */
  readonly printed: string[];
}

/** `routes` is the YAML of the `tickets:` list items, indented by two spaces. */
export function ticketFixture(routes: string, severity = 'critical'): TicketFixture {
  const f = fixture();
  addPackage(f, {
    name: 'web',
    manifest: `
runbook: https://runbooks.example/web
checks:
  - name: nginx-up
    script: checks/nginx-up.sh
    severity: ${severity}
    repair:
      script: repairs/restart.sh
      maxAttempts: 1
      verifyAfter: 0s
`,
    files: {
      'checks/nginx-up.sh': markerCheck('nginx-up', 'nginx.up'),
      'repairs/restart.sh': repairScript('restart', { exitCode: 1 }),
    },
  });
  const config = join(f.root, 'healops.config.yaml');
  writeFileSync(config, `packages: [packages]\nenvironment: prod\ntickets:\n${routes}`);
  const printed: string[] = [];
  const cli = async (args: readonly string[]) => {
    const result = await healops([...args, '--home', f.home], {
      cwd: f.root,
      env: { ...SECRETS },
      timeoutMs: 90_000,
    });
    printed.push(result.stdout, result.stderr);
    return result;
  };
  return {
    ...f,
    config,
    cli,
    printed,
    run: () => cli(['run', '--once', '--json', '--config', config]),
    recover: () => writeFileSync(join(f.spy, 'nginx.up'), ''),
  };
}

export interface TicketJson {
  readonly id: string;
  readonly route: string;
  readonly action: string;
  readonly dedupKey: string;
  readonly state: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly ref: string | null;
}

export async function ticketsJson(
  f: TicketFixture,
  extra: readonly string[] = [],
): Promise<{ counts: Record<string, number>; tickets: TicketJson[] }> {
  return json(await f.cli(['tickets', '--json', ...extra]));
}

/** The SQLite file's bytes as text (WAL included): secrets must not be stored either. */
export function storedBytes(f: Fixture): string {
  const read = (file: string) => {
    try {
      return readFileSync(join(f.home, file)).toString('latin1');
    } catch {
      return '';
    }
  };
  return read('healops.db') + read('healops.db-wal');
}
