#!/usr/bin/env node
/**
 * The bundled bin's entry (dist/bundle/lambda-tasks.js, package.json "bin"): loads the main chunk,
 * the command dispatch of ./main.ts, through the code cache. scripts/build-bundle.mjs builds it on
 * its own and sets the main chunk's name; tsc leaves it out, as it only works inside the bundle.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBundleChunk } from './code-cache.js';

/** The main chunk's file name (it holds a hash of the chunk's content), set at build time. */
declare const LAMBDA_TASKS_MAIN_CHUNK: string;

requireBundleChunk(dirname(fileURLToPath(import.meta.url)), LAMBDA_TASKS_MAIN_CHUNK);
