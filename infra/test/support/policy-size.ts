// Renders CloudFormation intrinsics of a policy document into plausible strings, so a test can measure the size IAM
// will count (an inline policy's JSON without whitespace). Attributes become ARNs longer than real ones.

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'ap-southeast-2',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
};
const LONG_ARN = `arn:aws:service:ap-southeast-2:123456789012:resource/${'x'.repeat(64)}`;

export function render(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(render);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) return PSEUDO[String(object.Ref)] ?? 'x'.repeat(64);
  if ('Fn::GetAtt' in object) return LONG_ARN;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => String(render(p))).join(separator);
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, render(v)]));
}

/** Characters IAM counts for a policy document (JSON, whitespace removed). */
export function policySize(document: unknown): number {
  return JSON.stringify(render(document)).length;
}
