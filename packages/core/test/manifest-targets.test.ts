import { describe, expect, it } from 'vitest';
import type { LoadedPackage } from '../src/manifest/load-package.js';
import { parseManifest } from '../src/manifest/parse-manifest.js';
import { resolvePackage } from '../src/manifest/resolve.js';
import { brief } from './support/manifest-text.js';

const HEAD = 'name: web\nversion: 1.0.0\nchecks: [{ name: a, command: [x] }]\n';

function problems(text: string): string[] {
  return parseManifest(text, 'pkg/healops.yaml').diagnostics.map(brief);
}

function targetsOf(text: string) {
  const parsed = parseManifest(text, '/srv/web/healops.yaml');
  if (!parsed.value) {
    throw new Error(parsed.diagnostics.map(brief).join('\n'));
  }
  const pkg: LoadedPackage = {
    manifest: parsed.value,
    dir: '/srv/web',
    manifestPath: '/srv/web/healops.yaml',
  };
  return resolvePackage(pkg).targets;
}

describe('targets: accepted forms, resolved', () => {
  it.each([
    { name: 'no targets section (local)', text: '', targets: { type: 'local' } },
    { name: 'local', text: 'targets: local\n', targets: { type: 'local' } },
    {
      name: 'one tag with a platform',
      text: 'targets: { tags: { Role: web }, platform: linux }\n',
      targets: { type: 'tags', tags: { Role: ['web'] }, platform: 'linux' },
    },
    {
      name: 'several tags, one with several values',
      text: 'targets:\n  tags: { Role: [web, api], "Cost Center": "", "team:name/x=y@z.1_2-3": ops }\n',
      targets: {
        type: 'tags',
        tags: { Role: ['web', 'api'], 'Cost Center': [''], 'team:name/x=y@z.1_2-3': ['ops'] },
      },
    },
    {
      name: 'instance ids (EC2 short and long, hybrid)',
      text: 'targets: { instanceIds: [i-0123abcd, i-0123456789abcdef0, mi-0123456789abcdef0] }\n',
      targets: {
        type: 'instanceIds',
        instanceIds: ['i-0123abcd', 'i-0123456789abcdef0', 'mi-0123456789abcdef0'],
      },
    },
    {
      name: 'a resource group',
      text: 'targets: { resourceGroup: web-servers_prod.1, platform: windows }\n',
      targets: { type: 'resourceGroup', resourceGroup: 'web-servers_prod.1', platform: 'windows' },
    },
  ])('accepts $name', ({ text, targets }) => {
    expect(targetsOf(HEAD + text)).toEqual(targets);
  });

  it('carries the targets of a package skipped for a missing parameter', () => {
    const text = `name: web\nversion: 1.0.0\nparams: { url: { required: true } }\ntargets: { resourceGroup: web }\nchecks: [{ name: a, command: [x] }]\n`;
    expect(targetsOf(text)).toEqual({ type: 'resourceGroup', resourceGroup: 'web' });
  });
});

describe('targets: problems, at their line and column', () => {
  const sixTags = Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`K${n}`, 'v']));
  const manyValues = Array.from({ length: 51 }, (_, n) => `v${n}`).join(', ');
  it.each([
    {
      name: 'an unknown word',
      text: 'targets: remote\n',
      expected: [
        '4:10 targets: invalid targets "remote" (expected local, or a mapping with tags, instanceIds or resourceGroup)',
      ],
    },
    {
      name: 'a number',
      text: 'targets: 5\n',
      expected: ['4:10 targets: expected a string or a mapping, got 5'],
    },
    {
      name: 'an empty mapping',
      text: 'targets: {}\n',
      expected: [
        '4:10 targets: targets needs one of tags, instanceIds or resourceGroup (or write targets: local)',
      ],
    },
    {
      name: 'two selectors',
      text: 'targets: { tags: { Role: web }, resourceGroup: web }\n',
      expected: ['4:48 targets.resourceGroup: targets has both tags and resourceGroup; keep one'],
    },
    {
      name: 'a misspelt field',
      text: 'targets: { tags: { Role: web }, plaform: linux }\n',
      expected: ['4:33 targets.plaform: unknown field "plaform" (did you mean "platform"?)'],
    },
    {
      name: 'an unknown platform',
      text: 'targets: { resourceGroup: web, platform: macos }\n',
      expected: ['4:42 targets.platform: invalid value "macos" (expected one of: linux, windows)'],
    },
    {
      name: 'no tags',
      text: 'targets: { tags: {} }\n',
      expected: ['4:18 targets.tags: list 1 to 5 tags (SSM SendCommand accepts at most 5 targets), got 0'],
    },
    {
      name: 'six tags',
      text: `targets: { tags: ${JSON.stringify(sixTags)} }\n`,
      expected: ['4:18 targets.tags: list 1 to 5 tags (SSM SendCommand accepts at most 5 targets), got 6'],
    },
    {
      name: 'reserved, unusable and too long tag keys',
      text: `targets:\n  tags:\n    AWS:cloudformation: x\n    a+b: y\n    ${'k'.repeat(129)}: z\n`,
      expected: [
        '6:5 targets.tags["AWS:cloudformation"]: invalid tag key "AWS:cloudformation" (the aws: prefix is reserved for AWS)',
        '7:5 targets.tags["a+b"]: invalid tag key "a+b" (SSM targets accept letters, digits, spaces and _ . : / = - @)',
        `8:5 targets.tags.${'k'.repeat(129)}: invalid tag key "${'k'.repeat(129)}" (1 to 128 characters)`,
      ],
    },
    {
      name: 'a tag value of the wrong type, too long, repeated, or too many',
      text: `targets:\n  tags:\n    Tier: 1\n    Role: ${'v'.repeat(257)}\n    Env: [a, b, a]\n    Team: [${manyValues}]\n`,
      expected: [
        '6:11 targets.tags.Tier: expected a string or a list, got 1',
        `7:11 targets.tags.Role: tag value "${'v'.repeat(257)}" is longer than 256 characters`,
        '8:17 targets.tags.Env[2]: tag value "a" is listed twice (also [0])',
        '9:11 targets.tags.Team: must list at most 50 items',
      ],
    },
    {
      name: 'bad and repeated instance ids',
      text: 'targets: { instanceIds: [i-123, i-0123456789ABCDEF0, mi-0123abcd, i-0123abcd, i-0123abcd] }\n',
      expected: [
        '4:26 targets.instanceIds[0]: invalid instance id "i-123" (expected i- and 8 or 17 hex digits, or mi- and 17)',
        '4:33 targets.instanceIds[1]: invalid instance id "i-0123456789ABCDEF0" (expected i- and 8 or 17 hex digits, or mi- and 17)',
        '4:54 targets.instanceIds[2]: invalid instance id "mi-0123abcd" (expected i- and 8 or 17 hex digits, or mi- and 17)',
        '4:79 targets.instanceIds[4]: instance id "i-0123abcd" is listed twice (also [3])',
      ],
    },
    {
      name: 'no instance ids',
      text: 'targets: { instanceIds: [] }\n',
      expected: ['4:25 targets.instanceIds: must list at least 1 item'],
    },
  ])('reports $name', ({ text, expected }) => {
    expect(problems(HEAD + text)).toEqual(expected);
  });

  it.each([
    { name: 'web servers', message: '1 to 128 letters, digits, "_", "." and "-"' },
    { name: 'x'.repeat(129), message: '1 to 128 letters, digits, "_", "." and "-"' },
    { name: 'AWS-group', message: 'names starting with "aws" are reserved for AWS' },
  ])('reports the resource group name $name', ({ name, message }) => {
    expect(problems(`${HEAD}targets: { resourceGroup: "${name}" }\n`)).toEqual([
      `4:27 targets.resourceGroup: invalid resource group name "${name}" (${message})`,
    ]);
  });

  it('reports jobs pinned to the other platform than targets.platform, at the platform that pins them', () => {
    const text = [
      'name: web',
      'version: 1.0.0',
      'platform: windows',
      'targets: { tags: { Role: web }, platform: linux }',
      'checks:',
      '  - { name: a, command: [x] }',
      '  - { name: b, command: [x], platform: linux }',
      '  - { name: c, command: [x], platform: any }',
      'stats:',
      '  - { name: s, command: [x], platform: windows }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      '3:11 platform: "a" runs on windows, but targets.platform selects linux instances only',
      '10:40 stats[0].platform: "s" runs on windows, but targets.platform selects linux instances only',
    ]);
  });
});
