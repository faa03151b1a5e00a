export {
  CHUNK_NAMES,
  type LambdaBuildInput,
  lambdaBuildOptions,
  MAIN_FIELDS,
  REQUIRE_SHIM,
  type SdkBundling,
} from './lambda-build-options.js';
export { lambdaEsbuildPlugins } from './lambda-esbuild-plugins.js';
export { ZOD_LOCALES_INDEX, zodEnglishOnly } from './zod-english-only.js';
