import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The package root: the folder holding package.json. Computed from this file's location, which is
 * `src/core/` in development (tsx) and `dist/src/core/` once built.
 */
export const packageRoot: string = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = path.resolve(here, '..', '..');
  return path.basename(up) === 'dist' ? path.dirname(up) : up;
})();

/** Default folder of the config files. */
export const defaultConfigDir = path.join(packageRoot, 'config');

/** Default state folder: the repository itself, so telemetry lands in its `logs/` and state in its `cache/`. */
export const defaultStateDir = packageRoot;

/** Folder of the market data shipped with the package. */
export const bundledDataDir = path.join(packageRoot, 'cache', 'bundled');
