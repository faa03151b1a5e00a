import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliRoot } from './cli-root.js';

const manifest = JSON.parse(readFileSync(join(cliRoot(), 'package.json'), 'utf8')) as { version: string };

export const VERSION = manifest.version;
