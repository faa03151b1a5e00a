import { z } from 'zod';

/** Where a secret comes from: never a literal value in a config file or a log line. */
export const SECRET_SOURCES = ['env', 'ssm', 'secretsmanager'] as const;
export type SecretSource = (typeof SECRET_SOURCES)[number];

export interface SecretRef {
  readonly source: SecretSource;
  /** Variable name, SSM parameter path, or Secrets Manager secret id. */
  readonly name: string;
  /** As written, e.g. `env:INFLUX_TOKEN` — safe to log. */
  readonly text: string;
}

export const SECRET_REF_PATTERN =
  '^(env:[A-Za-z_][A-Za-z0-9_]*|ssm:/[A-Za-z0-9_./-]+|secretsmanager:[A-Za-z0-9/_+=.@-]+)$';

export function parseSecretRef(text: string): SecretRef {
  const at = text.indexOf(':');
  const source = text.slice(0, at) as SecretSource;
  return { source, name: text.slice(at + 1), text };
}

export const secretRefSchema = z
  .string()
  .regex(new RegExp(SECRET_REF_PATTERN), {
    error: (issue) =>
      `expected a secret reference env:NAME, ssm:/path or secretsmanager:name, got ${typeof issue.input === 'string' && issue.input.length > 0 ? 'a literal value' : JSON.stringify(issue.input)} (secrets are never written in the config)`,
  })
  .meta({ description: 'env:NAME, ssm:/path or secretsmanager:name', examples: ['env:INFLUX_TOKEN'] });

/** Turns a reference into its value: env locally; SSM SecureString / Secrets Manager on AWS. */
export interface SecretResolver {
  resolve(ref: SecretRef): Promise<string>;
}
