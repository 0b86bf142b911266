// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * The CI outputs formats on their awkward values (secrets, line breaks, '=', quotes, '$', non-ASCII),
 * each read back the way its consumer reads it: the `bamboo` file by java.util.Properties (what
 * Bamboo's "Inject Bamboo variables" task loads), the `dotenv` file by GitLab's dotenv report rules
 * (one KEY=value per line, key of ASCII letters, digits and '_', the value kept as it is: GitLab
 * neither unquotes nor unescapes).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatOutputs } from '../../src/pipeline/outputs.js';
import type { StepOutputs } from '../../src/pipeline/runner.js';
import { Secrets } from '../../src/pipeline/secrets.js';
import { tempDir } from './helpers.js';

const AWKWARD = {
  multiline: 'line one\nline two\r\nend',
  equals: 'a=b=c',
  quotes: `"double" and 'single'`,
  dollar: '$HOME ${vars.x}',
  spaces: '  leading and trailing  ',
  backslash: 'C:\\path\\to',
  unicode: 'ü → 😀',
  colonHash: 'key: value # not a comment',
};

const STEPS: Record<string, StepOutputs> = {
  'deploy-fn': {
    task: 'lambda-function',
    action: 'deploy',
    outputs: {
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      token: { value: 's3cr3t-token', secret: true },
    },
  },
  notes: { task: 'echo', action: 'say', outputs: { ...AWKWARD, shown: 'uses s3cr3t-token here', count: 3 } },
};

function secrets(): Secrets {
  const known = new Secrets();
  known.add('s3cr3t-token');
  return known;
}

/** java.util.Properties' reading of a file, as JSON (Java's single-file source launcher). */
function javaProperties(text: string): Record<string, string> {
  const dir = tempDir({ 'outputs.properties': text });
  const source = join(dir, 'Read.java');
  writeFileSync(
    source,
    `import java.io.*; import java.util.*;
public class Read {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    try (InputStream in = new FileInputStream(args[0])) { p.load(in); }
    StringBuilder out = new StringBuilder("{");
    for (String key : new TreeSet<>(p.stringPropertyNames())) {
      if (out.length() > 1) out.append(',');
      out.append(quote(key)).append(':').append(quote(p.getProperty(key)));
    }
    System.out.print(out.append('}'));
  }
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\\\') b.append('\\\\').append(c);
      else if (c < 0x20 || c > 0x7e) b.append(String.format("\\\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}`,
  );
  const out = execFileSync('java', [source, join(dir, 'outputs.properties')], { encoding: 'utf8' });
  return JSON.parse(out) as Record<string, string>;
}

const hasJava = spawnSync('java', ['-version']).status === 0;

describe('bamboo (Inject Bamboo variables: a Java properties file)', () => {
  it.skipIf(!hasJava)('reads back, through java.util.Properties, to exactly the values (secrets masked)', () => {
    const text = formatOutputs('bamboo', STEPS, { secrets: secrets() });
    expect(text).not.toContain('s3cr3t-token');
    const read = javaProperties(text);
    expect(read).toEqual({
      'custom.aws.lambda.function.deploy-fn.functionArn': 'arn:aws:lambda:us-east-1:000000000000:function:f',
      'custom.aws.lambda.function.deploy-fn.token': '****',
      ...Object.fromEntries(Object.entries(AWKWARD).map(([name, value]) => [`custom.aws.echo.notes.${name}`, value])),
      'custom.aws.echo.notes.shown': 'uses **** here',
      'custom.aws.echo.notes.count': '3',
    });
  });

  it.skipIf(!hasJava)('writes secrets as they are only when asked', () => {
    const read = javaProperties(formatOutputs('bamboo', STEPS, { secrets: secrets(), includeSecrets: true }));
    expect(read['custom.aws.lambda.function.deploy-fn.token']).toBe('s3cr3t-token');
    expect(read['custom.aws.echo.notes.shown']).toBe('uses s3cr3t-token here');
  });

  it('is one line per variable, ASCII only', () => {
    const text = formatOutputs('bamboo', STEPS, { secrets: secrets() });
    expect(text.split('\n').filter(Boolean)).toHaveLength(12);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
  });
});

describe('dotenv (a GitLab CI dotenv report)', () => {
  /** GitLab's rules: KEY=value lines only (no blanks, no comments), keys [A-Za-z0-9_]. */
  function gitlabDotenv(text: string): Record<string, string> {
    expect(text.endsWith('\n')).toBe(true);
    const values: Record<string, string> = {};
    for (const line of text.slice(0, -1).split('\n')) {
      const match = /^([A-Za-z0-9_]+)=(.*)$/.exec(line);
      if (!match) throw new Error(`GitLab rejects the line ${JSON.stringify(line)}`);
      values[match[1] as string] = match[2] as string;
    }
    return values;
  }

  it('keeps each value on one line, unquoted, with line breaks as \\n (GitLab has no multi-line values)', () => {
    const values = gitlabDotenv(formatOutputs('dotenv', STEPS, { secrets: secrets() }));
    expect(values).toEqual({
      DEPLOY_FN_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      DEPLOY_FN_TOKEN: '****',
      NOTES_MULTILINE: 'line one\\nline two\\r\\nend',
      NOTES_EQUALS: 'a=b=c',
      NOTES_QUOTES: `"double" and 'single'`,
      NOTES_DOLLAR: '$HOME ${vars.x}',
      NOTES_SPACES: '  leading and trailing  ',
      NOTES_BACKSLASH: 'C:\\path\\to',
      NOTES_UNICODE: 'ü → 😀',
      NOTES_COLON_HASH: 'key: value # not a comment',
      NOTES_SHOWN: 'uses **** here',
      NOTES_COUNT: '3',
    });
  });

  it('writes secrets as they are only when asked', () => {
    const values = gitlabDotenv(formatOutputs('dotenv', STEPS, { secrets: secrets(), includeSecrets: true }));
    expect(values.DEPLOY_FN_TOKEN).toBe('s3cr3t-token');
    expect(values.NOTES_SHOWN).toBe('uses s3cr3t-token here');
  });
});
