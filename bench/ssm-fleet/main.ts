/**
 * API calls and wall time of running a package's checks on a fleet through SSM Run Command (issue 5).
 *
 *   npx tsx bench/ssm-fleet/main.ts [instances]        (default 1,000)
 *
 * A fresh SSM emulator (test/support/ssm-emulator) per run, holding the document ssmCommandDocument generates for a
 * package of 10 checks (trivial `sh -c 'exit 0'` / `'exit 2'` commands) and `instances` emulated Linux instances
 * tagged Role=bench; the emulator runs the document's Linux step for real for every invocation. One cycle = every
 * check on every instance (10 x instances invocations), collected with exit codes, by:
 *   1. HealOps, instanceIds target: SsmFleetExecutor start + poll passes (one SendCommand per check per 50 ids);
 *   2. HealOps, tag target (tag:Role=bench): one SendCommand per check;
 *   3. naive: one SendCommand per instance per check, GetCommandInvocation per unfinished invocation per pass.
 * Every strategy polls every POLL_SSM_SECONDS of emulated time and uses the real @aws-sdk/client-ssm
 * (createSsmClient: adaptive retry). Host work (spawning the step's processes) is the same for all three.
 * N=1 per strategy: one cycle is 10,000 invocations (180,000 processes), 1.5 to 3 minutes per strategy on 2 CPUs,
 * so the whole run takes 5 to 9 minutes here; pass a smaller fleet for a quick look (100: under a minute).
 * Time: on AWS the fleet's hosts run at once and a cycle takes seconds; here every host shares 2 CPUs, so a cycle
 * takes minutes, and the poll count (and so the HealOps calls) grows with it: figures are an upper bound for HealOps.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { type FleetSetup, startFleet, TAG } from './emulated-fleet.js';
import { CHECK_COUNT } from './fleet-fixture.js';
import { runHealOps } from './healops-strategy.js';
import { runNaive } from './naive-strategy.js';
import { printResults } from './print-results.js';
import type { RunResult } from './run-result.js';

/** Real time per SSM time: 1 = real time (check timeout 30 s, delivery timeout 60 s, poll every 1 s). */
const TIME_SCALE = 1;
const POLL_SSM_SECONDS = 1;
/** Scripts running at once across the emulated fleet (2 CPUs here). */
const PROCESS_CONCURRENCY = 8;
/** Calls the naive strategy has in flight at once. */
const NAIVE_IN_FLIGHT = 16;

async function withFleet(
  setup: FleetSetup,
  run: (fleet: Awaited<ReturnType<typeof startFleet>>) => Promise<RunResult>,
): Promise<RunResult> {
  const fleet = await startFleet(setup);
  try {
    const result = await run(fleet);
    console.log(
      `done: ${result.strategy}: ${result.totalCalls} API calls, wall ${(result.wallMs / 1000).toFixed(1)} s, load average ${loadText()}`,
    );
    return result;
  } finally {
    await fleet.close();
  }
}

async function main(): Promise<void> {
  const instances = Number(process.argv[2] ?? 1_000);
  if (!Number.isInteger(instances) || instances < 1) throw new Error('instances must be a positive integer');
  const setup: FleetSetup = { instances, timeScale: TIME_SCALE, processConcurrency: PROCESS_CONCURRENCY };
  const pollMs = POLL_SSM_SECONDS * 1000 * TIME_SCALE;
  console.log(
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${process.platform}, load average ${loadText()}`,
  );
  console.log(
    `fleet: ${instances} linux instances x ${CHECK_COUNT} checks = ${instances * CHECK_COUNT} invocations per cycle; timeScale ${TIME_SCALE} (poll every ${POLL_SSM_SECONDS} SSM s = ${pollMs} ms), emulator processConcurrency ${PROCESS_CONCURRENCY}, naive in flight ${NAIVE_IN_FLIGHT}; N=1 per strategy`,
  );
  const results: RunResult[] = [];
  results.push(
    await withFleet(setup, (fleet) =>
      runHealOps(
        fleet,
        { type: 'instanceIds', instanceIds: fleet.instanceIds },
        'HealOps: instanceIds target',
        pollMs,
      ),
    ),
  );
  results.push(
    await withFleet(setup, (fleet) =>
      runHealOps(
        fleet,
        { type: 'tags', tags: { [TAG.key]: [TAG.value] } },
        `HealOps: tag target (tag:${TAG.key})`,
        pollMs,
      ),
    ),
  );
  results.push(await withFleet(setup, (fleet) => runNaive(fleet, pollMs, NAIVE_IN_FLIGHT)));
  printResults(results);
  console.log(
    `\nload average at the end: ${loadText()} (other work on this machine shares its CPUs with the emulated hosts)`,
  );
}

function loadText(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

await main();
