/**
 * Runs a floor as the bin runs its chunks, through the code cache (src/cli/code-cache.ts), so each
 * floor row costs what the same libraries cost loaded the bin's way:
 *
 *   node dist/bench-floors/launch.js ./validate-floor.js ARGS...
 */
import { requireBundleChunk } from '../../src/cli/code-cache.js';

const [floor] = process.argv.splice(2, 1);
if (floor === undefined) throw new Error('usage: launch.js ./FLOOR.js ARGS...');
requireBundleChunk(__dirname, floor);
