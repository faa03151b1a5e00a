import {
  type AuditEvent,
  type AuditLog,
  type AuditQuery,
  type CheckKey,
  type CheckState,
  type Problem,
  type QueuedTicket,
  StateConflictError,
  type StateStore,
} from '@healops/core';
import { auditToItem } from '../../packages/aws/src/dynamo/audit-item.js';
import { stateToItem } from '../../packages/aws/src/dynamo/state-item.js';
import { dynamoItemBytes, requestUnits } from './dynamo-item-size.js';
import { PRICES } from './prices.js';

/** DynamoDB operations DynamoStore would make for what the engine asked, in request units. */
export interface StoreCounts {
  /** load(): one strongly consistent GetItem each. */
  stateReads: number;
  /** save(): one conditional PutItem (or a transaction with tickets) each. */
  stateWrites: number;
  /** Saves that carried ticket actions (a TransactWriteItems: 2 WRU per KB per item). */
  transactionalSaves: number;
  /** Audit events appended (one PutItem each, in batches of 25). */
  auditItems: number;
  readUnits: number;
  writeUnits: number;
  /** Largest state item written, bytes (DynamoDB's size rules). */
  maxStateItemBytes: number;
}

/**
 * An in-memory StateStore and AuditLog with DynamoStore's semantics (versioned saves) that counts what DynamoStore
 * would send to DynamoDB for each call, sized with the items DynamoStore writes (stateToItem, auditToItem). The gsi2
 * (KEYS_ONLY, keys never change) costs nothing after the first save; gsi1 only holds items with an open problem.
 */
export class CountingStore implements StateStore, AuditLog {
  readonly #states = new Map<string, CheckState>();
  counts: StoreCounts = emptyCounts();

  reset(): void {
    this.counts = emptyCounts();
  }

  async load(key: CheckKey): Promise<CheckState | undefined> {
    const state = this.#states.get(id(key));
    this.counts.stateReads++;
    const bytes = state === undefined ? 0 : dynamoItemBytes(stateToItem(state, state.version));
    this.counts.readUnits += requestUnits(bytes, PRICES.dynamodb.readUnitBytes);
    return state;
  }

  async save(
    state: CheckState,
    expectedVersion: number,
    tickets: readonly QueuedTicket[] = [],
  ): Promise<CheckState> {
    const current = this.#states.get(id(state.key));
    if ((current?.version ?? 0) !== expectedVersion) {
      throw new StateConflictError(`stale version ${expectedVersion}`);
    }
    const saved = { ...state, version: expectedVersion + 1 };
    const bytes = dynamoItemBytes(stateToItem(saved, saved.version));
    this.counts.stateWrites++;
    this.counts.maxStateItemBytes = Math.max(this.counts.maxStateItemBytes, bytes);
    const units = requestUnits(bytes, PRICES.dynamodb.writeUnitBytes);
    if (tickets.length === 0) {
      this.counts.writeUnits += units;
    } else {
      // A transaction: the state and one item per ticket action (sized like the state here), twice the units.
      this.counts.transactionalSaves++;
      this.counts.writeUnits += 2 * units * (1 + tickets.length);
    }
    this.#states.set(id(state.key), saved);
    return saved;
  }

  async listStates(): Promise<CheckState[]> {
    return [...this.#states.values()];
  }

  async openProblems(): Promise<Array<{ key: CheckKey; problem: Problem }>> {
    return [...this.#states.values()]
      .filter((s): s is CheckState & { problem: Problem } => s.problem !== null)
      .map((s) => ({ key: s.key, problem: s.problem }));
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    for (const event of events) {
      this.counts.auditItems++;
      const bytes = dynamoItemBytes(auditToItem(event, 90));
      this.counts.writeUnits += requestUnits(bytes, PRICES.dynamodb.writeUnitBytes);
    }
  }

  async queryAudit(_query: AuditQuery): Promise<AuditEvent[]> {
    return [];
  }
}

function emptyCounts(): StoreCounts {
  return {
    stateReads: 0,
    stateWrites: 0,
    transactionalSaves: 0,
    auditItems: 0,
    readUnits: 0,
    writeUnits: 0,
    maxStateItemBytes: 0,
  };
}

function id(key: CheckKey): string {
  return `${key.package}\u0000${key.check}\u0000${key.target}`;
}
