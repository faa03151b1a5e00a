import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  GRAPH_OBJECT_PREFIX,
  type GraphWidgetOptions,
  graphObjectKey,
  graphWidget,
  hasStatusGraph,
  type TicketEvent,
  type TicketImages,
} from '@healops/core';
import { TicketImageError } from './ticket-image-error.js';

// The graph image of a ticket on AWS: CloudWatch renders the problem's status widget (GetMetricWidgetImage, PNG),
// the PNG goes into the HealOps bucket at graphObjectKey (`graphs/<problem hash>/<action>-<time>.png`), and the
// ticket links a presigned GET URL. An image already at the key (an earlier try of the same action, in another
// container) is linked again without rendering. The URL lives `expiresInSeconds` (SigV4 allows 7 days at most),
// but never longer than the credentials that signed it: a Lambda role's session ends it after a few hours.
// The SDK clients are loaded on first use: a notify container that sends no trigger never pays for their import
// (about 30 ms of init for client-s3 + client-cloudwatch).

export interface CloudWatchTicketImagesOptions extends GraphWidgetOptions {
  /** The bucket the images go into. */
  readonly bucket: string;
  /** Key prefix (default `graphs`): the role needs s3:PutObject and s3:GetObject on `<bucket>/<prefix>/*`. */
  readonly prefix?: string;
  /** Lifetime of the presigned URL in seconds (default and most: 7 days). */
  readonly expiresInSeconds?: number;
  /** Default: a client for the SDK's region with short timeouts (timeoutMs) and 2 attempts. */
  readonly cloudWatch?: CloudWatchClient;
  /** Default: like cloudWatch. */
  readonly s3?: S3Client;
  /** The client that signs the URL (default `s3`): its endpoint is the one in the URL. */
  readonly presignS3?: S3Client;
  /** Per HTTP attempt of the default clients (default 4 s). */
  readonly timeoutMs?: number;
}

export const CLOUDWATCH_TICKET_IMAGE_DEFAULTS = {
  prefix: GRAPH_OBJECT_PREFIX,
  /** 7 days: the longest a SigV4 presigned URL may live. */
  expiresInSeconds: 7 * 24 * 60 * 60,
  timeoutMs: 4_000,
  maxAttempts: 2,
} as const;

interface Sdk {
  readonly cloudWatch: typeof import('@aws-sdk/client-cloudwatch');
  readonly s3: typeof import('@aws-sdk/client-s3');
  readonly presigner: typeof import('@aws-sdk/s3-request-presigner');
}

interface Clients {
  readonly cloudWatch: CloudWatchClient;
  readonly s3: S3Client;
  readonly presignS3: S3Client;
}

export class CloudWatchTicketImages implements TicketImages {
  readonly #options: CloudWatchTicketImagesOptions;
  #sdk: Promise<Sdk> | undefined;
  #clients: Clients | undefined;

  constructor(options: CloudWatchTicketImagesOptions) {
    const expires = options.expiresInSeconds;
    if (expires !== undefined && !(Number.isInteger(expires) && expires >= 1)) {
      throw new TicketImageError(`expiresInSeconds must be a whole number of seconds >= 1, got ${expires}`);
    }
    if (expires !== undefined && expires > CLOUDWATCH_TICKET_IMAGE_DEFAULTS.expiresInSeconds) {
      throw new TicketImageError(
        `expiresInSeconds ${expires} is over the SigV4 maximum of ${CLOUDWATCH_TICKET_IMAGE_DEFAULTS.expiresInSeconds} (7 days)`,
      );
    }
    this.#options = options;
  }

  async imageFor(event: TicketEvent, signal?: AbortSignal): Promise<string | undefined> {
    if (!hasStatusGraph(event)) return undefined;
    const sdk = await this.#loadSdk();
    const key = graphObjectKey(event, this.#options.prefix ?? CLOUDWATCH_TICKET_IMAGE_DEFAULTS.prefix);
    const sendOptions = signal ? { abortSignal: signal } : {};
    if (!(await this.#exists(sdk, key, sendOptions))) {
      const png = await this.#render(sdk, event, sendOptions);
      await this.#store(sdk, key, png, sendOptions);
    }
    return this.#sign(sdk, key);
  }

  #loadSdk(): Promise<Sdk> {
    this.#sdk ??= Promise.all([
      import('@aws-sdk/client-cloudwatch'),
      import('@aws-sdk/client-s3'),
      import('@aws-sdk/s3-request-presigner'),
    ]).then(([cloudWatch, s3, presigner]) => ({ cloudWatch, s3, presigner }));
    // A failed load (a broken bundle) is tried again by the next image.
    this.#sdk.catch(() => {
      this.#sdk = undefined;
    });
    return this.#sdk;
  }

  #clientsOf(sdk: Sdk): Clients {
    if (this.#clients) return this.#clients;
    const options = this.#options;
    const timeout = options.timeoutMs ?? CLOUDWATCH_TICKET_IMAGE_DEFAULTS.timeoutMs;
    const config = {
      maxAttempts: CLOUDWATCH_TICKET_IMAGE_DEFAULTS.maxAttempts,
      requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, throwOnRequestTimeout: true },
    };
    const s3 = options.s3 ?? new sdk.s3.S3Client(config);
    this.#clients = {
      cloudWatch: options.cloudWatch ?? new sdk.cloudWatch.CloudWatchClient(config),
      s3,
      presignS3: options.presignS3 ?? s3,
    };
    return this.#clients;
  }

  async #exists(sdk: Sdk, key: string, sendOptions: { abortSignal?: AbortSignal }): Promise<boolean> {
    try {
      await this.#clientsOf(sdk).s3.send(
        new sdk.s3.HeadObjectCommand({ Bucket: this.#options.bucket, Key: key }),
        sendOptions,
      );
      return true;
    } catch {
      // Not there (404), or not readable: render it; a real fault shows up in the upload.
      return false;
    }
  }

  async #render(
    sdk: Sdk,
    event: TicketEvent,
    sendOptions: { abortSignal?: AbortSignal },
  ): Promise<Uint8Array> {
    const widget = graphWidget(event, this.#options);
    let image: Uint8Array | undefined;
    try {
      const answer = await this.#clientsOf(sdk).cloudWatch.send(
        new sdk.cloudWatch.GetMetricWidgetImageCommand({
          MetricWidget: JSON.stringify(widget),
          OutputFormat: 'png',
        }),
        sendOptions,
      );
      image = answer.MetricWidgetImage;
    } catch (error) {
      throw new TicketImageError(`GetMetricWidgetImage failed: ${describe(error)}`, { cause: error });
    }
    if (image === undefined || image.byteLength === 0) {
      throw new TicketImageError('GetMetricWidgetImage answered no image');
    }
    return image;
  }

  async #store(
    sdk: Sdk,
    key: string,
    png: Uint8Array,
    sendOptions: { abortSignal?: AbortSignal },
  ): Promise<void> {
    const { bucket } = this.#options;
    try {
      await this.#clientsOf(sdk).s3.send(
        new sdk.s3.PutObjectCommand({ Bucket: bucket, Key: key, Body: png, ContentType: 'image/png' }),
        sendOptions,
      );
    } catch (error) {
      throw new TicketImageError(`S3 PutObject s3://${bucket}/${key} failed: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  async #sign(sdk: Sdk, key: string): Promise<string> {
    const { bucket } = this.#options;
    try {
      const get = new sdk.s3.GetObjectCommand({ Bucket: bucket, Key: key });
      return await sdk.presigner.getSignedUrl(this.#clientsOf(sdk).presignS3, get, {
        expiresIn: this.#options.expiresInSeconds ?? CLOUDWATCH_TICKET_IMAGE_DEFAULTS.expiresInSeconds,
      });
    } catch (error) {
      throw new TicketImageError(`presigning s3://${bucket}/${key} failed: ${describe(error)}`, {
        cause: error,
      });
    }
  }
}

/** The SDK error's name and message (AWS error messages carry no secrets; the request is not included). */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
