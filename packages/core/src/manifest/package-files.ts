/** What loading a package needs to know about a path. */
export interface PackageFileInfo {
  readonly kind: 'file' | 'directory' | 'other';
  /** Whether this process may execute the file. */
  readonly executable: boolean;
  /** Absolute path with every symlink resolved. */
  readonly realPath: string;
}

/**
 * Port: read access to package folders (the core never touches the file system itself).
 * Paths are absolute or relative to the adapter's working directory; `stat` follows symlinks.
 */
export interface PackageFiles {
  /** UTF-8 text of a file; rejects when it cannot be read. */
  readText(path: string): Promise<string>;
  /** undefined when nothing exists at `path` (including a dangling symlink). */
  stat(path: string): Promise<PackageFileInfo | undefined>;
  /** Entry names of a folder, sorted. */
  listDir(path: string): Promise<string[]>;
}
