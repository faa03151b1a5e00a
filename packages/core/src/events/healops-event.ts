import type { z } from 'zod';
import { checkContinueDetailSchema } from './check-continue.js';
import { checkFailedDetailSchema } from './check-failed.js';
import { checkedDetail } from './detail-errors.js';
import {
  HEALOPS_DETAIL_TYPE_LIST,
  HEALOPS_DETAIL_TYPES,
  type HealOpsDetailType,
  isHealOpsDetailType,
} from './detail-types.js';
import { HealOpsEventError } from './errors.js';
import { escalatedDetailSchema } from './escalated.js';
import { recoveredDetailSchema } from './recovered.js';
import { repairFailedDetailSchema, repairSucceededDetailSchema } from './repair-finished.js';

/** The zod schema of each detail-type's `detail`. */
export const HEALOPS_DETAIL_SCHEMAS = {
  [HEALOPS_DETAIL_TYPES.checkFailed]: checkFailedDetailSchema,
  [HEALOPS_DETAIL_TYPES.repairSucceeded]: repairSucceededDetailSchema,
  [HEALOPS_DETAIL_TYPES.repairFailed]: repairFailedDetailSchema,
  [HEALOPS_DETAIL_TYPES.escalated]: escalatedDetailSchema,
  [HEALOPS_DETAIL_TYPES.recovered]: recoveredDetailSchema,
  [HEALOPS_DETAIL_TYPES.checkContinue]: checkContinueDetailSchema,
} as const satisfies Record<HealOpsDetailType, z.ZodType>;

export type HealOpsDetail<T extends HealOpsDetailType> = z.output<(typeof HEALOPS_DETAIL_SCHEMAS)[T]>;

export interface HealOpsEventOf<T extends HealOpsDetailType> {
  readonly detailType: T;
  readonly detail: HealOpsDetail<T>;
}

/** One event for the HealOps bus: its detail-type and its detail (source is always `healops`). */
export type HealOpsEvent = { [T in HealOpsDetailType]: HealOpsEventOf<T> }[HealOpsDetailType];

/**
 * Parses the detail of a HealOps event (an object, or its JSON text as in an SQS message or PutEvents entry).
 * Throws HealOpsEventError for another detail-type, bad JSON, or any field that does not match, naming each field.
 */
export function parseHealOpsEvent(detailType: string, detail: unknown): HealOpsEvent {
  if (!isHealOpsDetailType(detailType)) {
    const expected = HEALOPS_DETAIL_TYPE_LIST.map((t) => JSON.stringify(t)).join(', ');
    throw new HealOpsEventError(
      `not a HealOps detail-type: ${JSON.stringify(detailType.slice(0, 128))} (expected one of ${expected})`,
    );
  }
  let data = detail;
  if (typeof detail === 'string') {
    try {
      data = JSON.parse(detail);
    } catch (error) {
      throw new HealOpsEventError(`${detailType}: detail is not valid JSON (${(error as Error).message})`, {
        cause: error,
      });
    }
  }
  const parsed: unknown = checkedDetail(detailType, HEALOPS_DETAIL_SCHEMAS[detailType], data);
  return { detailType, detail: parsed } as HealOpsEvent;
}

/** `event` checked against its detail-type's schema (what a publisher sends must parse back the same). */
export function checkHealOpsEvent(event: HealOpsEvent): HealOpsEvent {
  return parseHealOpsEvent(event.detailType, event.detail);
}
