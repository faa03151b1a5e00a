import type { CheckKey } from '../model/check.js';
import type { AlarmEvent } from './alarm-event.js';
import { fnv1a64 } from './ticket-text.js';

/** The package every CloudWatch alarm problem belongs to. */
export const ALARM_PACKAGE = 'cloudwatch';

/** Longest alarm name kept as it is; longer names (AWS allows 255) are cut and hashed. */
export const ALARM_CHECK_NAME_MAX = 80;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** What a hashed name ends with; a name that already ends like this is hashed too, so the two never meet. */
const HASH_SUFFIX = /-[0-9a-f]{8}$/;

/**
 * The check name of an alarm: the name itself when it is short and made of `[A-Za-z0-9._-]`, else a readable form
 * (other characters become `-`) plus `-` and 8 hex digits of the FNV-1a hash of the exact name. Stable across runs;
 * distinct names give distinct check names (a kept name never ends in `-<8 hex digits>`, a hashed one always does).
 */
export function alarmCheckName(alarmName: string): string {
  if (alarmName.length <= ALARM_CHECK_NAME_MAX && SAFE_NAME.test(alarmName) && !HASH_SUFFIX.test(alarmName)) {
    return alarmName;
  }
  const readable = alarmName
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, ALARM_CHECK_NAME_MAX)
    .replace(/-+$/, '');
  const hash = fnv1a64(alarmName).slice(0, 8);
  return readable === '' ? `alarm-${hash}` : `${readable}-${hash}`;
}

/** The (package, check, target) of an alarm: one problem per alarm per account and region. */
export function alarmKey(event: AlarmEvent): CheckKey {
  return {
    package: ALARM_PACKAGE,
    check: alarmCheckName(event.detail.alarmName),
    target: `${event.account}/${event.region}`,
  };
}
