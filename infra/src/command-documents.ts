import type { SsmCommandDocument } from '@healops/core';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

// One SSM Command document per package (core ssmCommandDocument), updated in place: UpdateMethod NewVersion keeps
// the name (the functions send it by name) and adds a version named after the package version and content hash.

export interface CommandDocumentsProps {
  readonly documents: readonly SsmCommandDocument[];
}

export class CommandDocuments extends Construct {
  readonly documents: readonly ssm.CfnDocument[];
  /** The document names (the SendCommand grant is made of them). */
  readonly names: readonly string[];

  constructor(scope: Construct, id: string, props: CommandDocumentsProps) {
    super(scope, id);
    this.names = props.documents.map((d) => d.name);
    this.documents = props.documents.map(
      (document) =>
        new ssm.CfnDocument(this, document.name, {
          name: document.name,
          documentType: 'Command',
          documentFormat: 'JSON',
          content: document.content,
          versionName: document.versionName,
          updateMethod: 'NewVersion',
        }),
    );
  }
}

/** Bytes of document content one template may hold (CloudFormation allows 1 MB per template, with the rest). */
export const DOCUMENT_BYTES_PER_STACK = 600_000;
/** Resources per template: CloudFormation allows 500. */
export const DOCUMENTS_PER_STACK = 400;

/** Splits the documents, in order, into groups that each fit one template. */
export function packDocuments(
  documents: readonly SsmCommandDocument[],
  maxBytes: number = DOCUMENT_BYTES_PER_STACK,
  maxCount: number = DOCUMENTS_PER_STACK,
): SsmCommandDocument[][] {
  const groups: SsmCommandDocument[][] = [];
  let current: SsmCommandDocument[] = [];
  let bytes = 0;
  for (const document of documents) {
    if (current.length > 0 && (bytes + document.bytes > maxBytes || current.length >= maxCount)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(document);
    bytes += document.bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
