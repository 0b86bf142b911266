/**
 * zod, as every schema of lambda-tasks imports it: `zod/mini` (its functions are tree-shaken and its
 * schemas carry no bound methods, which made building the task parameters' schemas and loading zod
 * most of `lambda-tasks validate`'s own time with classic zod), and zod's English messages, which
 * the problems quote and which `zod/mini` does not configure on its own ("Invalid input" for every
 * issue). A locale someone configured already (a program using the library) is kept, as classic
 * zod kept it. (`zod/mini` parses objects without the JIT classic zod compiles per object schema
 * with `new Function`, which cost a command that checks each schema a few times more than it saved.)
 *
 *   import * as z from '../pipeline/zod.js';
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

if (!config().localeError) config(en());

export * from 'zod/mini';
