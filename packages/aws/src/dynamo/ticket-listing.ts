import type { TicketListQuery, TicketRecord, TicketState } from '@healops/core';
import type { DynamoTable } from './dynamo-table.js';
import { attemptPk, padNumber, ticketPk, ticketStatePk } from './item-keys.js';
import { dateMs, type Item } from './item-values.js';
import { itemToTicket } from './ticket-item.js';
import { ticketRoutes } from './ticket-locate.js';

/** The actions a query asks for, oldest first (the newest `limit` of them when it has one). */
export async function listTickets(table: DynamoTable, query: TicketListQuery): Promise<TicketRecord[]> {
  return table.call('list ticket actions', async () => {
    const routes = query.route === undefined ? await ticketRoutes(table) : [query.route];
    const states = query.states !== undefined && query.states.length > 0 ? query.states : undefined;
    const items = await Promise.all(routes.map((route) => routeItems(table, route, states)));
    let records = items
      .flat()
      .map(itemToTicket)
      .filter((r) => states === undefined || states.includes(r.state))
      .filter((r) => query.dedupKey === undefined || r.event.dedupKey === query.dedupKey)
      .sort((a, b) => a.seq - b.seq);
    if (query.limit !== undefined) {
      const limit = Math.max(0, Math.floor(query.limit));
      records = limit === 0 ? [] : records.slice(-limit);
    }
    return records;
  });
}

/** A route's records: pending/dead ones from gsi1 when only those are asked for, else the whole partition. */
async function routeItems(
  table: DynamoTable,
  route: string,
  states: readonly TicketState[] | undefined,
): Promise<Item[]> {
  if (states !== undefined && !states.includes('delivered')) {
    const parts = await Promise.all(
      states.map((state) =>
        table.queryAll({
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': ticketStatePk(state === 'dead' ? 'dead' : 'pending', route) },
        }),
      ),
    );
    return parts.flat();
  }
  return table.queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': ticketPk(route) },
    ConsistentRead: true,
  });
}

/** pending and dead from gsi1; delivered by counting the route partitions (delivered actions expire by TTL). */
export async function countTickets(table: DynamoTable): Promise<Readonly<Record<TicketState, number>>> {
  return table.call('count ticket actions', async () => {
    const counts: Record<TicketState, number> = { pending: 0, delivered: 0, dead: 0 };
    const perRoute = await Promise.all(
      (await ticketRoutes(table)).map(async (route) => {
        const gsi1 = (state: 'pending' | 'dead') =>
          table.count({
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': ticketStatePk(state, route) },
          });
        const delivered = table.count({
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#state = :delivered',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pk': ticketPk(route), ':delivered': 'delivered' },
        });
        return Promise.all([gsi1('pending'), delivered, gsi1('dead')]);
      }),
    );
    for (const [pending, delivered, dead] of perRoute) {
      counts.pending += pending;
      counts.delivered += delivered;
      counts.dead += dead;
    }
    return counts;
  });
}

/** When the route's deliveries were tried (delivered or failed) since `since`, from gsi2. */
export async function ticketAttemptsSince(table: DynamoTable, route: string, since: Date): Promise<Date[]> {
  return table.call('read recent ticket sends', async () => {
    const items = await table.queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk >= :since',
      ExpressionAttributeValues: { ':pk': attemptPk(route), ':since': padNumber(dateMs(since, 'since')) },
    });
    return items.map((item) => new Date(Number(item.gsi2sk)));
  });
}
