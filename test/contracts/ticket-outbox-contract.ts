import type { StoreContractHarness } from './store-harness.js';
import { describeTicketClaimsContract } from './ticket-claims-contract.js';
import { describeTicketEdgeCasesContract } from './ticket-edge-cases-contract.js';
import { describeTicketRecordsContract } from './ticket-records-contract.js';
import { describeTicketRetriesContract } from './ticket-retries-contract.js';

/** The TicketOutbox and TicketLinks ports: claims, outcomes and retries, listing and counting, links. */
export function describeTicketOutboxContract(name: string, harness: StoreContractHarness): void {
  describeTicketClaimsContract(name, harness);
  describeTicketRetriesContract(name, harness);
  describeTicketRecordsContract(name, harness);
  describeTicketEdgeCasesContract(name, harness);
}
