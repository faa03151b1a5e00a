import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_HEALOPS_TAG } from '../src/deployment-bundle.js';
import { buildHealOpsArtifacts } from '../src/healops-artifacts.js';
import { HealOpsStack } from '../src/healops-stack.js';

// `npx cdk synth` / `npx cdk deploy` from the repository root (cdk.json). Deploys the packages healops.config.yaml
// names (else ./catalog). Settings come from CDK context (-c key=value or cdk.json "context"):
//   healops:stackName (default HealOps), healops:config (a config file), healops:tagKey / healops:tagValue (the
//   tag of the instances packages with `targets: local` run on; default HealOps=enabled).
// Without AWS credentials the stack is environment-agnostic, so synth works offline.

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(`healops:${key}`);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const config = context('config');
const artifacts = await buildHealOpsArtifacts({
  root: process.cwd(),
  ...(config === undefined ? {} : { config }),
  tag: {
    key: context('tagKey') ?? DEFAULT_HEALOPS_TAG.key,
    value: context('tagValue') ?? DEFAULT_HEALOPS_TAG.value,
  },
});
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
new HealOpsStack(app, context('stackName') ?? 'HealOps', {
  artifacts,
  description: 'HealOps: self-healing operations (checks, repairs, tickets)',
  ...(account && region ? { env: { account, region } } : {}),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
for (const skipped of artifacts.skipped) {
  process.stderr.write(`healops: package ${skipped.package} is not deployed: ${skipped.reason}\n`);
}
