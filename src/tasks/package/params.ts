/** The `with:` parameters of the package task's `zip` action (a builder: see ParamsSchema). */
import * as z from 'zod';

export const zipParams = () =>
  z.strictObject({
    /** The directory to package, relative to the pipeline file. */
    source: z.string().min(1),
    /** Globs of files to package, relative to `source`. @default ['**'] */
    include: z.array(z.string().min(1)).optional(),
    /** Globs of files or directories to leave out (besides what `.lambdaignore` says). @default [] */
    exclude: z.array(z.string().min(1)).optional(),
    /** Where to write the zip, relative to the pipeline file. @default .lambda-tasks/build/<step>.zip */
    file: z.string().min(1).optional(),
  });
export type ZipParams = z.infer<ReturnType<typeof zipParams>>;
