// Bounds of HealOps events. EventBridge limits the *total* entry size of one PutEvents request to less than 256 KB
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html: Time counts 14 bytes, Source,
// DetailType, Detail and each Resources entry their UTF-8 bytes) and a request to 10 entries. AWS raised the event
// size to 1 MB in 2026; HealOps keeps to the older, smaller limit so its events fit every region, SQS queue and
// consumer. Every string in a detail is bounded (in UTF-16 code units, as JavaScript counts), so that even a detail
// made only of characters JSON escapes as `\u00XX` (6 bytes each) stays under one request; a detail of ordinary
// text is under 64 KB. The event tests derive both from the published JSON schemas.

export const EVENT_LIMITS = {
  /** PutEvents: entries per request. */
  entriesPerRequest: 10,
  /** PutEvents: the total entry size of one request must be less than this (256 KiB). */
  requestBytes: 256 * 1024,
  /** Check output excerpt in a Check Failed / Escalated / Recovered detail. */
  outputExcerpt: 8_000,
  /** Output excerpt of one repair attempt. */
  repairOutputExcerpt: 1_500,
  /** Repair attempts an Escalated or Recovered ticket carries (the most recent ones). */
  repairs: 5,
  /** Perfdata items carried (the first ones). */
  perfdata: 30,
  perfdataLabel: 128,
  /** Unit of a perfdata value (`%`, `ms`, `KB`...). */
  uom: 16,
  /** Threshold text such as `~:5` or `@10:20`. */
  threshold: 64,
  /** package, check, target names. */
  identifier: 256,
  /** environment, package version, platform-like short fields. */
  short: 128,
  /** One-line texts: summaries, reasons, `how`, commands as displayed. */
  line: 1_000,
  /** Free text: a ticket's detail. */
  detail: 2_000,
  /** dedup, idempotency and correlation keys, document names, command ids. */
  key: 512,
  /** ISO-8601 times. */
  time: 40,
  /** URLs (runbook, links, image). */
  url: 1_000,
  links: 5,
  maintenanceWindows: 10,
  dependsOn: 20,
} as const;
