import { HealOpsError } from '@healops/core';

/**
 * A ticket's graph image could not be made: GetMetricWidgetImage, the S3 upload or the URL signing failed. The
 * message names the step, the bucket and key, and the SDK error's name; the ticket goes out without the image.
 */
export class TicketImageError extends HealOpsError {}
