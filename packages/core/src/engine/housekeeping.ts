import { heartbeatPoint, METRIC } from '../metrics/names.js';
import type { MetricPoint } from '../model/results.js';
import type { EngineDeps } from './deps.js';

async function safely(deps: EngineDeps, port: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    deps.observer?.onPortError?.(port, error);
  }
}

/**
 * End of a cycle: deliver what the sinks buffered and the queued ticket actions, then report the run itself —
 * `healops.heartbeat` (so a dead-man alarm notices silence), each buffering sink's `healops.sink.pending` /
 * `healops.sink.dropped`, and the ticket backlog (`healops.tickets.pending` / `.dead`) — through every sink, and
 * deliver that too. A failing sink or receiver is reported and never stops the others.
 */
export async function finishCycle(
  deps: EngineDeps,
  runner: string,
  at: Date,
  signal?: AbortSignal,
): Promise<void> {
  const tickets = deps.tickets;
  await Promise.all([
    ...deps.sinks.map((sink) => safely(deps, `metrics:${sink.name}`, () => sink.flush(signal))),
    ...(tickets ? [safely(deps, 'tickets', async () => void (await tickets.deliver(signal)))] : []),
  ]);
  const time = at.toISOString();
  const points: MetricPoint[] = [heartbeatPoint(runner, at)];
  if (tickets) {
    await safely(deps, 'tickets', async () => {
      const counts = await tickets.outbox.counts();
      const dimensions = { runner };
      points.push(
        { time, name: METRIC.ticketsPending, value: counts.pending, unit: 'c', dimensions },
        { time, name: METRIC.ticketsDead, value: counts.dead, unit: 'c', dimensions },
      );
    });
  }
  for (const sink of deps.sinks) {
    if (!sink.health) continue;
    await safely(deps, `metrics:${sink.name}`, async () => {
      const health = await sink.health?.();
      if (!health) return;
      const dimensions = { runner, sink: sink.name };
      points.push(
        { time, name: METRIC.sinkPending, value: health.pending, unit: 'c', dimensions },
        { time, name: METRIC.sinkDropped, value: health.dropped, unit: 'c', dimensions },
      );
    });
  }
  await Promise.all(
    deps.sinks.map((sink) =>
      safely(deps, `metrics:${sink.name}`, async () => {
        await sink.write(points);
        await sink.flush(signal);
      }),
    ),
  );
}
