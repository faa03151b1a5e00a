import { parseManifest } from '../../src/manifest/parse-manifest.js';
import { brief } from './manifest-text.js';

/** The start of a manifest: name and version, for fixtures that test what follows. */
export const HEAD = 'name: web\nversion: 1.0.0\n';

/** The diagnostics parseManifest gives for a manifest text, each as one `brief` line. */
export function problems(text: string): string[] {
  return parseManifest(text, 'pkg/healops.yaml').diagnostics.map(brief);
}
