/** The `source` of every event HealOps puts on its event bus. */
export const HEALOPS_EVENT_SOURCE = 'healops';

/** The EventBridge detail-types HealOps publishes (a stable contract: rules and consumers match on them). */
export const HEALOPS_DETAIL_TYPES = {
  checkFailed: 'HealOps Check Failed',
  repairSucceeded: 'HealOps Repair Succeeded',
  repairFailed: 'HealOps Repair Failed',
  escalated: 'HealOps Escalated',
  recovered: 'HealOps Recovered',
  checkContinue: 'HealOps Check Continue',
} as const;

export type HealOpsDetailType = (typeof HEALOPS_DETAIL_TYPES)[keyof typeof HEALOPS_DETAIL_TYPES];

export const HEALOPS_DETAIL_TYPE_LIST: readonly HealOpsDetailType[] = Object.values(HEALOPS_DETAIL_TYPES);

/** File-name form of a detail-type: `HealOps Check Failed` -> `check-failed`. */
export function detailTypeSlug(detailType: HealOpsDetailType): string {
  return detailType
    .replace(/^HealOps /, '')
    .toLowerCase()
    .replace(/ /g, '-');
}

export function isHealOpsDetailType(value: string): value is HealOpsDetailType {
  return (HEALOPS_DETAIL_TYPE_LIST as readonly string[]).includes(value);
}
