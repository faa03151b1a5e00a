export {
  DEFAULT_CATALOG,
  DEFAULT_CONFIG,
  loadPackageSet,
  type PackageSet,
  type PackageSetEntry,
  type PackageSetOptions,
  readConfig,
} from './package-set.js';
