/** lambda-tasks: the library behind the CLI. */
export { type CloudOptions, type RunningCloud, startCloud } from './cloud/cloud.js';
export { AwsError } from './cloud/errors.js';
