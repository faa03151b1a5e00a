import { chmod, cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { PACKAGE_NAME_PATTERN } from '@healops/core';
import { cliRoot } from '../cli-root.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { out } from '../output.js';

const TEMPLATE = join(cliRoot(), 'templates', 'new-package');
const PLACEHOLDER = /__NAME__/g;
const TEXT_FILES = ['healops.yaml', 'README.md'];

export interface NewOptions {
  readonly dir?: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function makeScriptsExecutable(dir: string): Promise<void> {
  for (const sub of ['checks', 'repairs', 'stats']) {
    const folder = join(dir, sub);
    if (!(await exists(folder))) continue;
    for (const file of await readdir(folder)) await chmod(join(folder, file), 0o755);
  }
}

/** Scaffolds a package that validates and runs green as it is. Never overwrites anything. */
export async function newCommand(name: string, options: NewOptions): Promise<ExitCode> {
  if (!new RegExp(PACKAGE_NAME_PATTERN).test(name)) {
    throw new UsageError(
      `package name "${name}" is invalid: use lowercase letters, digits and dashes (${PACKAGE_NAME_PATTERN})`,
    );
  }
  const target = resolve(options.dir ?? '.', name);
  if (await exists(target)) throw new UsageError(`${target} already exists; choose another name or --dir`);
  await cp(TEMPLATE, target, { recursive: true, errorOnExist: true, force: false });
  for (const file of TEXT_FILES) {
    const path = join(target, file);
    await writeFile(path, (await readFile(path, 'utf8')).replace(PLACEHOLDER, name));
  }
  await makeScriptsExecutable(target);
  const shown = relative(process.cwd(), target) || '.';
  out.line(`created ${shown}/`);
  out.line(`  next: npx healops validate ${shown} && npx healops run ${shown} --once`);
  return EXIT.ok;
}
