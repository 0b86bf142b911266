/**
 * The fenced code blocks of a Markdown page, with their info strings read as the guide's source
 * comment describes (`yaml pipeline=NAME.yml`, `yaml fragment of=NAME.yml`, `properties
 * outputs=NAME.yml format=bamboo`). Only what the guide uses of CommonMark's fences: backtick or
 * tilde fences of three or more, indented by at most three spaces, closed by a fence of the same
 * character at least as long; an unclosed block runs to the end of the page.
 */
export interface Snippet {
  /** The info string's first word: `yaml`, `properties`, `sh`. */
  language: string;
  /** The info string's other words: `name=value`, or a bare word as `true`. */
  attributes: Readonly<Record<string, string | true>>;
  text: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

const OPENING = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/;

export function fencedSnippets(markdown: string): Snippet[] {
  // An HTML comment may describe fences without opening one; its lines stay, emptied, for the numbering.
  const visible = markdown.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ''));
  const lines = visible.split(/\r?\n/);
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const opening = OPENING.exec(lines[i] as string);
    if (!opening) continue;
    const fence = opening[1] as string;
    const [language = '', ...words] = (opening[2] as string).trim().split(/\s+/);
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !closing.test(lines[j] as string)) body.push(lines[j++] as string);
    const attributes = Object.fromEntries(
      words.filter(Boolean).map((word) => {
        const at = word.indexOf('=');
        return at < 0 ? [word, true] : [word.slice(0, at), word.slice(at + 1)];
      }),
    );
    snippets.push({ language, attributes, text: `${body.join('\n')}\n`, line: i + 1 });
    i = j;
  }
  return snippets;
}
