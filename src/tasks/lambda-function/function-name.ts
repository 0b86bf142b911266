/** Function names as people write them: a name, a partial ARN or an ARN, with or without a qualifier. */

/** The ARN's or name's function name, for messages and log groups: `arn:...:function:hello:live` -> `hello`. */
export function shortName(name: string): string {
  const match = /(?:^|:)function:([^:]+)/.exec(name);
  return match?.[1] ?? name;
}
