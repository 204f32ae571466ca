// The fenced code examples of a README that a test runs: ```ts / ```js blocks (also `typescript`, `javascript`,
// `mjs`), unless the info string says `no-run` (an example that is intentionally not runnable, e.g. a config file).
const RUNNABLE = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);

export interface Example {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
}

export function examples(markdown: string): Example[] {
  const found: Example[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang = '', rest = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim().startsWith(fence!) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent!) ? line.slice(indent!.length) : line);
    }
    const info = `${lang} ${rest}`.trim().split(/\s+/);
    if (RUNNABLE.has(lang.toLowerCase()) && !info.includes('no-run')) {
      found.push({ line: i + 1, lang: lang.toLowerCase(), code: body.join('\n') });
    }
    i = j;
  }
  return found;
}
