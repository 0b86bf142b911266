/** Where the console is served: bucket names cannot start with `_`, so no S3 path collides. */
export const CONSOLE_PREFIX = '/_console';
