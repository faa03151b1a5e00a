import { describe, expect, it } from 'vitest';
import { parseManifest } from '../src/manifest/parse-manifest.js';
import { HEAD, problems } from './support/manifest-problems.js';
import { yaml } from './support/manifest-text.js';

// parseManifest's schema: a valid manifest, and the rules of single fields. Script and command, and rules across
// fields: manifest-schema-rules.test.ts.

describe('parseManifest: a valid manifest', () => {
  it('accepts every documented field and returns the manifest as written (no defaults applied)', () => {
    const result = parseManifest(
      yaml`
        name: web-frontend
        version: 1.0.0-rc.1+build.5
        description: Nginx front end
        environment: production
        runbook: https://wiki.example/web-frontend
        platform: linux
        params:
          port: { description: TCP port, default: 80 }
          url: { description: URL to probe, required: true }
          verbose: { default: false }
        defaults:
          schedule: rate(5 minutes)
          timeout: 60s
          failAfter: 1
          unknownAfter: 2
          failOn: warning
          severity: error
          flap: false
          reportOnly: true
          maintenance: [{ cron: "0 3 * * *", duration: 30m }]
          repair: { verifyAfter: 10s, maxAttempts: 2, timeout: 2m, budget: { max: 5, per: 1d } }
        checks:
          - name: host-reachable
            command: [/usr/lib/nagios/plugins/check_ping, -H, 127.0.0.1, -p, "\${params.port}"]
          - name: nginx-up
            description: nginx answers
            script: checks/nginx-up.sh
            schedule: cron(0/5 * * * ? *)
            timeout: 10s
            failAfter: 2
            unknownAfter: 3
            failOn: critical
            severity: critical
            platform: linux
            runbook: https://wiki.example/nginx
            repair:
              script: repairs/restart-nginx.sh
              verifyAfter: 5s
              maxAttempts: 1
              timeout: 60s
              budget: { max: 3, per: 1h, backoff: 0s }
            dependsOn: [host-reachable]
            maintenance: [{ cron: "0 2 * * SUN", duration: 2h, timezone: Europe/Berlin }]
            flap: { low: 20, high: 30 }
            reportOnly: false
        stats:
          - name: connections
            script: stats/connections.sh
            schedule: rate(1 minute)
            timeout: 10s
            platform: any
      `,
      'healops.yaml',
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.value?.name).toBe('web-frontend');
    expect(result.value?.params?.port).toEqual({ description: 'TCP port', default: 80 });
    expect(result.value?.checks?.[1]?.repair?.budget).toEqual({ max: 3, per: '1h', backoff: '0s' });
    expect(result.value?.checks?.[0]?.timeout).toBeUndefined();
    expect(result.value?.stats?.[0]?.name).toBe('connections');
  });

  it('accepts a package with only stats jobs', () => {
    expect(problems('name: s\nversion: 0.1.0\nstats: [{ name: load, command: [uptime] }]\n')).toEqual([]);
  });
});
describe('parseManifest: field rules', () => {
  it.each([
    {
      rule: 'package name pattern',
      text: 'name: Web_Frontend\nversion: 1.0.0\nchecks: [{ name: a, command: [x] }]\n',
      expected: [
        '1:7 name: invalid name "Web_Frontend" (lowercase letters, digits and "-", starting with a letter, at most 64 characters)',
      ],
    },
    {
      rule: 'package name starts with a letter',
      text: 'name: 1web\nversion: 1.0.0\nchecks: [{ name: a, command: [x] }]\n',
      expected: [
        '1:7 name: invalid name "1web" (lowercase letters, digits and "-", starting with a letter, at most 64 characters)',
      ],
    },
    {
      rule: 'package name length',
      text: `name: ${'a'.repeat(65)}\nversion: 1.0.0\nchecks: [{ name: a, command: [x] }]\n`,
      expected: [
        `1:7 name: invalid name "${'a'.repeat(65)}" (lowercase letters, digits and "-", starting with a letter, at most 64 characters)`,
      ],
    },
    {
      rule: 'semver (a YAML number)',
      text: 'name: web\nversion: 1.0\nchecks: [{ name: a, command: [x] }]\n',
      expected: ['2:10 version: expected a string, got 1 (quote it: "1")'],
    },
    {
      rule: 'semver (a string)',
      text: 'name: web\nversion: v1.0.0\nchecks: [{ name: a, command: [x] }]\n',
      expected: ['2:10 version: invalid version "v1.0.0" (expected a semantic version such as 1.0.0)'],
    },
    {
      rule: 'required top-level fields',
      text: 'description: nothing else\n',
      expected: [
        '1:1 name: missing required field "name"',
        '1:1 version: missing required field "version"',
        '1:1 the package defines no checks and no stats',
      ],
    },
    {
      rule: 'runbook URL scheme',
      text: `${HEAD}runbook: ftp://wiki/x\nchecks: [{ name: a, command: [x] }]\n`,
      expected: ['3:10 runbook: invalid URL "ftp://wiki/x" (expected an http:// or https:// URL)'],
    },
    {
      rule: 'platform enum',
      text: `${HEAD}platform: solaris\nchecks: [{ name: a, command: [x] }]\n`,
      expected: ['3:11 platform: invalid value "solaris" (expected one of: linux, windows, any)'],
    },
    {
      rule: 'environment pattern',
      text: `${HEAD}environment: "prod env"\nchecks: [{ name: a, command: [x] }]\n`,
      expected: [
        '3:14 environment: invalid environment "prod env" (letters, digits, ".", "_" and "-", at most 64 characters)',
      ],
    },
    {
      rule: 'check name pattern',
      text: `${HEAD}checks:\n  - name: Nginx Up\n    command: [x]\n`,
      expected: [
        '4:11 checks[0].name: invalid name "Nginx Up" (lowercase letters, digits and "-", starting with a letter or digit, at most 64 characters)',
      ],
    },
    {
      rule: 'duration syntax',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    timeout: 10 secs\n`,
      expected: ['6:14 checks[0].timeout: invalid duration "10 secs" (expected e.g. 500ms, 10s, 5m, 1h)'],
    },
    {
      rule: 'bare number as duration',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    timeout: 10\n`,
      expected: [
        '6:14 checks[0].timeout: invalid duration 10: a bare number is ambiguous (expected e.g. 500ms, 10s, 5m, 1h)',
      ],
    },
    {
      rule: 'zero timeout',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    timeout: 0s\n`,
      expected: ['6:14 checks[0].timeout: duration "0s" must be greater than 0'],
    },
    {
      rule: 'schedule syntax',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    schedule: rate(1 minutes)\n`,
      expected: [
        '6:15 checks[0].schedule: invalid schedule "rate(1 minutes)": a value of 1 takes the singular unit: rate(1 minute)',
      ],
    },
    {
      rule: 'cron needs one "?"',
      text: `${HEAD}defaults: { schedule: "cron(0 12 * * * *)" }\nchecks: [{ name: a, command: [x] }]\n`,
      expected: [
        '3:23 defaults.schedule: invalid schedule "cron(0 12 * * * *)": exactly one of day-of-month and day-of-week must be "?" (e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *))',
      ],
    },
    {
      rule: 'counts are whole numbers >= 1',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    failAfter: 0\n    unknownAfter: 1.5\n`,
      expected: [
        '6:16 checks[0].failAfter: must be at least 1 (got 0)',
        '7:19 checks[0].unknownAfter: expected a whole number, got 1.5',
      ],
    },
    {
      rule: 'maxAttempts 1..10',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    repair: { command: [fix], maxAttempts: 11 }\n`,
      expected: ['6:44 checks[0].repair.maxAttempts: must be at most 10 (got 11)'],
    },
    {
      rule: 'failOn and severity enums',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    failOn: unknown\n    severity: fatal\n`,
      expected: [
        '6:13 checks[0].failOn: invalid value "unknown" (expected one of: critical, warning)',
        '7:15 checks[0].severity: invalid value "fatal" (expected one of: critical, error, warning, info)',
      ],
    },
    {
      rule: 'flap thresholds ordered',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    flap: { low: 40, high: 30 }\n`,
      expected: ['6:11 checks[0].flap: flap.low (40) must be below flap.high (30)'],
    },
    {
      rule: 'flap thresholds in 0..100',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    flap: { low: -1, high: 130 }\n`,
      expected: [
        '6:18 checks[0].flap.low: must be at least 0 (got -1)',
        '6:28 checks[0].flap.high: must be at most 100 (got 130)',
      ],
    },
    {
      rule: 'flap is false or a mapping',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    flap: off\n`,
      expected: ['6:11 checks[0].flap: expected true/false or a mapping, got "off"'],
    },
    {
      rule: 'maintenance window fields',
      text: `${HEAD}checks:\n  - name: a\n    command: [x]\n    maintenance:\n      - { cron: "61 2 * * *", duration: 0s, timezone: Mars/Base }\n`,
      expected: [
        '7:17 checks[0].maintenance[0].cron: invalid cron expression "61 2 * * *": Invalid value for minute: 61',
        '7:41 checks[0].maintenance[0].duration: duration "0s" must be greater than 0',
        '7:55 checks[0].maintenance[0].timezone: unknown time zone "Mars/Base" (expected an IANA name such as Europe/Berlin or UTC)',
      ],
    },
    {
      rule: 'param names',
      text: `${HEAD}params:\n  Port: { default: "80" }\nchecks: [{ name: a, command: [x] }]\n`,
      expected: [
        '4:3 params.Port: invalid parameter name "Port" (lowercase letters, digits and "_", starting with a letter)',
      ],
    },
    {
      rule: 'param default type',
      text: `${HEAD}params:\n  port: { default: [80] }\nchecks: [{ name: a, command: [x] }]\n`,
      expected: ['4:20 params.port.default: expected a string, a number or true/false, got a list'],
    },
  ])('$rule', ({ text, expected }) => {
    expect(problems(text)).toEqual(expected);
  });
});
