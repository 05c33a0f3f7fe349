/**
 * Lets the test process itself import TypeScript modules by file URL at run time, as the harness's
 * own processes do under tsx: a strategy module loaded for one test (`bench/strategy-loader.ts`)
 * is imported on the main thread as well as in the worker threads.
 */
import { register } from 'tsx/esm/api';

register();
