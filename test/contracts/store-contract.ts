import { describeAuditLogContract } from './audit-log-contract.js';
import { describeStateKeyEdgeCasesContract } from './state-key-edge-cases-contract.js';
import { describeStateStoreContract } from './state-store-contract.js';
import type { StoreContractHarness } from './store-harness.js';
import { describeTicketOutboxContract } from './ticket-outbox-contract.js';

/** Every store contract (StateStore, AuditLog, TicketOutbox and TicketLinks) for one store adapter. */
export function describeStoreContract(name: string, harness: StoreContractHarness): void {
  describeStateStoreContract(name, harness);
  describeStateKeyEdgeCasesContract(name, harness);
  describeAuditLogContract(name, harness);
  describeTicketOutboxContract(name, harness);
}
