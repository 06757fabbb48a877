// Reading the fenced code blocks of a Markdown document and the doc-test annotations before
// them. The rules are written out at the top of code-blocks.test.js.
import ts from 'typescript';

const RUN_LANGUAGES = new Map([
  ['ts', 'ts'], ['typescript', 'ts'],
  ['js', 'js'], ['javascript', 'js'], ['mjs', 'js'],
  ['python', 'python'], ['py', 'python'], ['python3', 'python'],
  ['sh', 'sh'], ['bash', 'sh'], ['shell', 'sh'],
]);

/** What a shell block may run; anything else needs `<!-- not-run: why -->`. */
const SAFE_COMMANDS = new Set(['xmlrpc', 'xmlrpc-ts', 'python3', 'node', 'echo', 'printf', 'cat']);
/** Commands of the project itself: `npm test` would run this test again, `npm ci` reinstalls. */
const PROJECT_COMMANDS = new Set(['npm', 'docker']);

/**
 * The fenced code blocks of `markdown`, in order: { lang, kind, code, line, annotation, why }.
 * `kind` is 'ts' | 'js' | 'python' | 'sh' for runnable languages, else undefined.
 * Malformed annotations throw, naming the line.
 */
export function extractBlocks(markdown, file) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (open === null) continue;
    const [, indent, fence, info] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      if (close.test(lines[j])) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    if (j >= lines.length) throw new Error(`${file}:${i + 1}: a code block is not closed`);
    const lang = info.toLowerCase();
    blocks.push({
      lang,
      kind: RUN_LANGUAGES.get(lang),
      code: body.join('\n') + '\n',
      line: i + 1,
      annotation: annotationBefore(lines, i, file),
    });
    i = j;
  }
  return blocks;
}

/** The `<!-- … -->` annotation on the last non-blank line before line `i`, parsed. */
function annotationBefore(lines, i, file) {
  let k = i - 1;
  while (k >= 0 && lines[k].trim() === '') k--;
  const m = k >= 0 ? /^\s*<!--\s*(not-run|doc-test)\s*:?(.*?)-->\s*$/.exec(lines[k]) : null;
  if (m === null) return { with: [] };
  const where = `${file}:${k + 1}`;
  if (m[1] === 'not-run') {
    const reason = m[2].trim();
    if (reason === '') throw new Error(`${where}: <!-- not-run: … --> must say why`);
    return { notRun: reason, with: [] };
  }
  const annotation = { with: [] };
  for (const item of m[2].split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [key, value] = item.split('=').map((s) => s.trim());
    if (key === 'background' || key === 'output') annotation[key] = true;
    else if (key === 'port' && /^[0-9]+$/.test(value ?? '')) annotation.port = value;
    else if (key === 'exit' && /^[0-9]+$/.test(value ?? '')) annotation.exit = Number(value);
    else if (key === 'with' && value) annotation.with.push(value);
    else throw new Error(`${where}: unknown doc-test item ${JSON.stringify(item)}`);
  }
  return annotation;
}

/** The commands of a shell block, one per logical line, without comments. */
export function shellCommands(code) {
  return code
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}

/**
 * Whether a shell block runs: 'run', 'project' (only npm/docker commands: never run here), or
 * an error message naming the first command that is not known to be safe.
 */
export function shellVerdict(code) {
  const commands = shellCommands(code);
  const words = commands.flatMap((c) => c.split(/&&|\|\||[|;]/).map((s) => s.trim().split(/\s+/)));
  if (words.length > 0 && words.every(([w]) => PROJECT_COMMANDS.has(w))) return 'project';
  for (const [first, second] of words) {
    const command = first === 'npx' ? second : first;
    if (!SAFE_COMMANDS.has(command)) {
      return `runs ${JSON.stringify(first === 'npx' ? `npx ${second}` : first)}: mark the block <!-- not-run: why --> or use only ${[...SAFE_COMMANDS].join(', ')}`;
    }
  }
  return 'run';
}

/** TypeScript to JavaScript, types stripped (no type checking: see typeCheck). */
export function stripTypes(code, fileName) {
  const out = ts.transpileModule(code, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(`${fileName}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, '\n')}`);
  return out.outputText;
}

/**
 * Type-checks TypeScript blocks together, each as its own module, against the built package
 * (`xmlrpc-ts` is dist/index.d.ts). Resolves with a list of "file:line: message" problems.
 */
export function typeCheck(blocks, root) {
  const files = new Map();
  // Packages the docs compare with that ship no types: `any` for the type check.
  files.set(`${root}/__doc-untyped.d.ts`, { source: "declare module 'xmlrpc';\n", where: undefined });
  for (const b of blocks) {
    const name = `${root}/__doc-block-${files.size}.ts`;
    // `export {}` makes every block a module, as it is when run.
    files.set(name, { source: `${b.code}\nexport {};\n`, where: b.where });
  }
  const options = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    skipLibCheck: true,
    baseUrl: root,
    paths: { 'xmlrpc-ts': ['dist/index.d.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const virtual = files.get(fileName);
    return virtual !== undefined ? ts.createSourceFile(fileName, virtual.source, languageVersion) : getSourceFile(fileName, languageVersion, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => files.get(fileName)?.source ?? readFile(fileName);
  const program = ts.createProgram([...files.keys()], options, host);
  // Every block that compiles counts; a .d.ts is not a block.
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined || files.get(d.file.fileName)?.where === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const { where } = files.get(d.file.fileName);
    return `${where.file}:${where.line + 1 + line}: ${text}`;
  });
}
