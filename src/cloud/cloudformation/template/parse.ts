/**
 * Template bodies to plain objects. CloudFormation accepts JSON and YAML; a body whose first
 * non-blank character is `{` is JSON (so a broken JSON template gets the JSON error, as on AWS),
 * anything else is YAML. YAML's short forms (`!Ref X`, `!GetAtt Fn.Arn`, `!Sub ...`) become the
 * long forms JSON templates use, so the rest of the library sees one representation.
 *
 * Size limits (51,200 bytes inline, 1 MB by URL) are the service's, checked before this runs.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type {
  Document,
  LineCounter,
  ScalarTag,
  YAMLError,
  CollectionTag as YamlCollectionTag,
  Node as YamlNode,
} from 'yaml';
import { messages, TemplateError } from './errors.js';
import { jsonErrorPosition } from './json-position.js';
import { isRecord, setOwn, type Template } from './types.js';

const requireFromHere = createRequire(import.meta.url);

/**
 * The YAML library (250 KB), loaded with the first YAML template: the cloud starts without it, and
 * most runs never parse one (this is synchronous, so `require`, not `import()`).
 */
function loadYaml(): typeof Yaml {
  return requireFromHere('yaml') as typeof Yaml;
}

/** YAML tag -> the key of the long form it stands for. */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!Base64': 'Fn::Base64',
  '!GetAZs': 'Fn::GetAZs',
  '!FindInMap': 'Fn::FindInMap',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!ImportValue': 'Fn::ImportValue',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
};

/**
 * Each short form is declared for scalars, sequences and mappings alike so the YAML library keeps
 * the node (with its tag) instead of warning; the conversion below does the rewriting. Any other
 * `!Tag` stays unresolved and is reported as a syntax error, as CloudFormation's parser does.
 */
const CUSTOM_TAGS: (ScalarTag | YamlCollectionTag)[] = Object.keys(SHORT_FORMS).flatMap((tag) => [
  { tag, resolve: (source: string) => source },
  { tag, collection: 'seq' as const, resolve: (node: unknown) => node },
  { tag, collection: 'map' as const, resolve: (node: unknown) => node },
]) as (ScalarTag | YamlCollectionTag)[];

/** Aliases can nest; a template never needs anywhere near this, a crafted one might. */
const MAX_DEPTH = 200;

/**
 * Parses a template body. Throws `TemplateError` with AWS's message when the body is not
 * well-formed JSON or YAML, or is not an object at the top. The result is not validated: see
 * `validateTemplate`.
 */
export function parseTemplate(body: string): Template {
  const text = body.startsWith('\uFEFF') ? body.slice(1) : body;
  const parsed = text.trimStart().startsWith('{') ? parseJson(text) : parseYaml(text);
  if (!isRecord(parsed)) throw new TemplateError(messages.unsupportedStructure);
  return parsed as unknown as Template;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const { line, column } = jsonErrorPosition(text);
    throw new TemplateError(messages.jsonNotWellFormed(line, column));
  }
}

function parseYaml(text: string): unknown {
  const yaml = loadYaml();
  const lineCounter = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter, customTags: CUSTOM_TAGS, uniqueKeys: true, prettyErrors: true });
  const problem: YAMLError | undefined =
    doc.errors[0] ?? doc.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const at = problem.linePos?.[0] ?? lineCounter.linePos(problem.pos[0]);
    throw new TemplateError(messages.yamlNotWellFormed(at.line, at.col));
  }
  return new YamlConverter(yaml, doc, lineCounter).convert(doc.contents, 0);
}

class YamlConverter {
  constructor(
    private readonly yaml: typeof Yaml,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  convert(node: unknown, depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(node);
    if (node === null || node === undefined) return null;
    if (this.yaml.isAlias(node)) return this.convert(node.resolve(this.doc), depth + 1);
    let value: unknown;
    if (this.yaml.isScalar(node)) {
      value = node.value instanceof Uint8Array ? Buffer.from(node.value).toString('base64') : node.value;
      // YAML 1.2 reads an unquoted 012345678901 (an account id) as a number and drops the zero;
      // CloudFormation's YAML 1.1 parser keeps it a string, and so does this.
      if (typeof value === 'number' && typeof node.source === 'string' && /^[-+]?0\d+$/.test(node.source)) {
        value = node.source;
      }
    } else if (this.yaml.isSeq(node)) {
      value = node.items.map((item) => this.convert(item, depth + 1));
    } else if (this.yaml.isMap(node)) {
      const object: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!this.yaml.isPair(pair)) continue;
        setOwn(object, this.key(pair.key), this.convert(pair.value, depth + 1));
      }
      value = object;
    } else {
      this.fail(node);
    }
    const tag = (node as YamlNode).tag;
    const longForm = tag === undefined ? undefined : SHORT_FORMS[tag];
    if (longForm === undefined) return value;
    if (longForm === 'Fn::GetAtt' && typeof value === 'string') {
      // `!GetAtt Stack.Outputs.Url` names the resource before the first dot only.
      const dot = value.indexOf('.');
      if (dot > 0) value = [value.slice(0, dot), value.slice(dot + 1)];
    }
    return { [longForm]: value };
  }

  /** Keys are strings in a template; a tagged or composite key is not something AWS parses. */
  private key(node: unknown): string {
    if (this.yaml.isAlias(node)) return this.key(node.resolve(this.doc));
    if (!this.yaml.isScalar(node) || (node.tag !== undefined && SHORT_FORMS[node.tag] !== undefined)) this.fail(node);
    return String(node.value);
  }

  private fail(node: unknown): never {
    const offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
    const at = this.lines.linePos(offset);
    throw new TemplateError(messages.yamlNotWellFormed(at.line, at.col));
  }
}
