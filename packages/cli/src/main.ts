import { Command, CommanderError, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { HealOpsError } from '@healops/core';
import { alarmCommand } from './commands/alarm.js';
import { auditCommand } from './commands/audit.js';
import { checkCommand } from './commands/check.js';
import { metricsCommand } from './commands/metrics.js';
import { newCommand } from './commands/new.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { ticketsCommand, ticketsDeliverCommand, ticketsRetryCommand } from './commands/tickets.js';
import { validateCommand } from './commands/validate.js';
import { UsageError, WorkspaceError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { out } from './output.js';
import { VERSION } from './version.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

const homeOption = () => new Option('--home <dir>', 'state directory (default: $HEALOPS_HOME or ./.healops)');
const configOption = () =>
  new Option('--config <file>', 'deployment config (default: ./healops.config.yaml when present)');

/** Builds the command tree; each action stores its exit code in `result`. */
function program(result: { code: number }): Command {
  const root = new Command('healops')
    .description('Self-healing operations: run checks, repair what is broken, prove it, record everything.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const set = (code: number) => {
    result.code = code;
  };

  root
    .command('validate')
    .description('validate packages; prints every problem as file:line:col: message')
    .argument(
      '[paths...]',
      'package folders or folders of packages (default: config packages, else ./catalog)',
    )
    .addOption(configOption())
    .option('--json', 'machine-readable output')
    .action(async (paths: string[], opts) => set(await validateCommand(paths, opts)));

  root
    .command('run')
    .description(
      'run checks, repairs and verification; --once for one cycle, otherwise on schedule until stopped',
    )
    .argument(
      '[paths...]',
      'package folders or folders of packages (default: config packages, else ./catalog)',
    )
    .option('--once', 'run one full cycle and exit')
    .option('--package <name>', 'only this package')
    .option('--check <name>', 'only this check (and stats job) name')
    .option('--dry-run', 'run checks, report what would be repaired, change nothing')
    .option('--json', 'print one JSON object with every result')
    .addOption(homeOption())
    .addOption(configOption())
    .addOption(new Option('--concurrency <n>', 'checks running at once').argParser(positiveInt).default(4))
    .action(async (paths: string[], opts) => set(await runCommand(paths, opts)));

  root
    .command('check')
    .description(
      'run one check now and print its status and perfdata; never repairs; exits with the plugin code',
    )
    .argument('<package/check>', 'which check')
    .argument('[paths...]', 'where to find the package (default: config packages, else ./catalog)')
    .option('--json', 'machine-readable output')
    .addOption(homeOption())
    .addOption(configOption())
    .action(async (ref: string, paths: string[], opts) => set(await checkCommand(ref, paths, opts)));

  root
    .command('status')
    .description('open problems and the status dot (green / yellow / red)')
    .option('--json', 'machine-readable output')
    .addOption(homeOption())
    .action(async (opts) => set(await statusCommand(opts)));

  root
    .command('metrics')
    .description('recent metric points from the local store')
    .option('--package <name>', 'only this package')
    .option('--check <name>', 'only this check')
    .option('--name <metric>', 'only this metric name, e.g. healops.check.status')
    .option('--since <duration|time>', 'how far back: a duration (1h, 30m) or an ISO time', '1h')
    .addOption(new Option('--limit <n>', 'at most this many (the most recent)').argParser(positiveInt))
    .option('--json', 'machine-readable output')
    .addOption(homeOption())
    .action(async (opts) => set(await metricsCommand(opts)));

  root
    .command('audit')
    .description('the audit trail: every transition, repair and escalation')
    .option('--package <name>', 'only this package')
    .option('--check <name>', 'only this check')
    .option('--since <duration|time>', 'how far back: a duration (1h, 30m) or an ISO time', '1h')
    .addOption(new Option('--limit <n>', 'at most this many (the most recent)').argParser(positiveInt))
    .option('--json', 'machine-readable output')
    .addOption(homeOption())
    .action(async (opts) => set(await auditCommand(opts)));

  const tickets = root
    .command('tickets')
    .description('the ticket outbox: list (default), retry dead-lettered actions, deliver now');
  tickets
    .command('list', { isDefault: true })
    .description('pending, delivered and dead-lettered ticket actions (oldest first)')
    .option('--state <states>', 'pending, delivered, dead (comma-separated) or all', 'all')
    .option('--route <name>', 'only this route')
    .addOption(
      new Option('--limit <n>', 'at most this many (the most recent)').argParser(positiveInt).default(50),
    )
    .option('--json', 'machine-readable output')
    .addOption(homeOption())
    .action(async (opts) => set(await ticketsCommand(opts)));
  tickets
    .command('retry')
    .description('re-queue dead-lettered ticket actions (by id or id prefix, or --all)')
    .argument('[ids...]', 'ticket action ids (the ID column of `healops tickets`)')
    .option('--all', 'every dead-lettered action')
    .option('--json', 'machine-readable output')
    .addOption(homeOption())
    .action(async (ids: string[], opts) => set(await ticketsRetryCommand(ids, opts)));
  tickets
    .command('deliver')
    .description('deliver pending ticket actions now; exits 1 while any stay pending')
    .option('--json', 'machine-readable output')
    .addOption(homeOption())
    .addOption(configOption())
    .action(async (opts) => set(await ticketsDeliverCommand(opts)));

  root
    .command('alarm')
    .description(
      'feed a CloudWatch "Alarm State Change" event (JSON file, or - for stdin): ALARM triggers a ticket, OK resolves it',
    )
    .argument('<event>', 'the EventBridge event as JSON, or - to read stdin')
    .option('--severity <level>', 'severity when the alarm names none (critical, error, warning, info)')
    .option('--json', 'machine-readable output')
    .addOption(homeOption())
    .addOption(configOption())
    .action(async (file: string, opts) => set(await alarmCommand(file, opts)));

  root
    .command('new')
    .description('scaffold a package that validates and runs green as it is')
    .argument('<name>', 'package name: lowercase letters, digits, dashes')
    .option('--dir <dir>', 'parent folder', '.')
    .action(async (name: string, opts) => set(await newCommand(name, opts)));

  return root;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 failed checks / invalid packages, 2 usage or config errors. */
export async function main(argv: readonly string[]): Promise<number> {
  const result: { code: number } = { code: EXIT.ok };
  try {
    await program(result).parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError || error instanceof WorkspaceError) {
      out.error(`healops: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof HealOpsError) {
      out.error(`healops: ${error.message}`);
      return EXIT.usage;
    }
    out.error(
      `healops: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT.failed;
  }
}
