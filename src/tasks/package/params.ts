/** The `with:` parameters of the package task's `zip` action (a builder: see ParamsSchema). */
import * as z from '../../pipeline/zod.js';

export const zipParams = () =>
  z.strictObject({
    /** The directory to package, relative to the pipeline file. */
    source: z.string().check(z.minLength(1)),
    /** Globs of files to package, relative to `source`. @default ['**'] */
    include: z.optional(z.array(z.string().check(z.minLength(1)))),
    /** Globs of files or directories to leave out (besides what `.lambdaignore` says). @default [] */
    exclude: z.optional(z.array(z.string().check(z.minLength(1)))),
    /** Where to write the zip, relative to the pipeline file. @default .lambda-tasks/build/<step>.zip */
    file: z.optional(z.string().check(z.minLength(1))),
  });
export type ZipParams = z.infer<ReturnType<typeof zipParams>>;
