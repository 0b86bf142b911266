// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * The pipeline file as text and as a YAML document with source positions, so every problem can
 * say `file:line:column` and the path (`steps[2].with.timeout`) it is about.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Problem, ProblemCode } from './errors.js';

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `['steps', 2, 'with', 'timeout']` -> `steps[2].with.timeout`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export class PipelineSource {
  private readonly lineCounter = new LineCounter();
  private readonly document;

  /** @param file the path as the user gave it (shown in problems) */
  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lineCounter, uniqueKeys: true, prettyErrors: false });
  }

  /**
   * YAML syntax errors; nothing else is checked when there are any. Only the first is reported:
   * the parser's later errors mostly follow from it.
   */
  syntaxProblems(): Problem[] {
    const [error] = this.document.errors;
    if (!error) return [];
    const pos = this.lineCounter.linePos(error.pos[0]);
    const lineText = this.text.split(/\r?\n/)[pos.line - 1] ?? '';
    // `{ size: ${vars.n} }`: in a flow collection `{` starts a mapping, so the placeholder needs quotes.
    const hint = /[{[][^'"]*\$\{/.test(lineText) ? ' (inside { } or [ ], quote placeholders: "${vars.name}")' : '';
    return [
      {
        code: 'YamlSyntax',
        message: `${error.message.split('\n')[0] ?? error.message}${hint}`,
        file: this.file,
        path: '',
        line: pos.line,
        column: pos.col,
      },
    ];
  }

  /** The document as plain data (undefined for an empty file). */
  data(): unknown {
    return this.document.toJS({ maxAliasCount: 100 }) ?? undefined;
  }

  /**
   * The position of the value at `path` (or of its key, for an unknown key). A path that leaves
   * the document (a missing key) points at the deepest node that exists.
   */
  locate(path: readonly PathSegment[], target: 'value' | 'key' = 'value'): { line: number; column: number } {
    let node: unknown = this.document.contents;
    let offset = rangeStart(node) ?? 0;
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(segment));
        if (!pair) break;
        const keyOffset = rangeStart(pair.key);
        if (last && target === 'key' && keyOffset !== undefined) {
          offset = keyOffset;
          break;
        }
        node = pair.value;
        offset = rangeStart(pair.value) ?? keyOffset ?? offset;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        node = item;
        offset = rangeStart(item) ?? offset;
      } else {
        break;
      }
    }
    const pos = this.lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  problem(
    code: ProblemCode,
    path: readonly PathSegment[],
    message: string,
    target: 'value' | 'key' = 'value',
  ): Problem {
    return { code, message, file: this.file, path: formatPath(path), ...this.locate(path, target) };
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
