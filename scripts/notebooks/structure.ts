/**
 * Rules that keep every notebook readable by a learner working alone. A
 * notebook opens with what they will learn and ends with things to try.
 * Every code cell follows an explanation, stays short and uses the project's
 * pipeline instead of defining its own.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

import ts from 'typescript';

/** Maximum length of a code cell, in lines. */
export const MAX_CODE_CELL_LINES = 30;

/** Heading text required in the first cell. */
export const OPENING_HEADING = 'What you will learn';

/** Heading text required in the last cell. */
export const CLOSING_HEADING = 'Things to try';

/**
 * Prefix of every project import: the compiled `src/` in `dist/`, because
 * tslab compiles cells with the notebook's folder as the TypeScript root and
 * cannot compile files outside it.
 */
export const PROJECT_IMPORT_PREFIX = '../dist/';

/** One cell of an nbformat 4 notebook, as far as the checks need it. */
interface NotebookCell {
  readonly cell_type: 'markdown' | 'code' | 'raw';
  readonly source: string | readonly string[];
  readonly outputs?: readonly {
    readonly output_type: string;
    readonly data?: Readonly<Record<string, unknown>>;
  }[];
}

/** An nbformat 4 notebook, as far as the checks need it. */
export interface Notebook {
  readonly nbformat: number;
  readonly metadata: { readonly kernelspec?: { readonly name?: string } };
  readonly cells: readonly NotebookCell[];
}

/** Reads and parses a notebook file. */
export function readNotebook(path: string): Notebook {
  return JSON.parse(readFileSync(path, 'utf8')) as Notebook;
}

/** Returns a cell's source as one string. */
export function cellSource(cell: NotebookCell): string {
  return typeof cell.source === 'string' ? cell.source : cell.source.join('');
}

const BUILTINS = new Set(builtinModules);

/** Returns why an import specifier is not allowed, or undefined when it is. */
function checkImport(specifier: string): string | undefined {
  if (specifier === 'tslab') return undefined;
  if (specifier.startsWith('node:') || BUILTINS.has(specifier))
    return undefined;
  if (specifier.startsWith(PROJECT_IMPORT_PREFIX)) return undefined;
  return `imports "${specifier}"; import the project's pipeline from ${PROJECT_IMPORT_PREFIX}..., tslab or a Node.js built-in module`;
}

/** Returns every name that a cell declares: variables, imports, parameters. */
function declaredNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (
      (ts.isVariableDeclaration(node) ||
        ts.isBindingElement(node) ||
        ts.isParameter(node) ||
        ts.isImportSpecifier(node) ||
        ts.isImportClause(node) ||
        ts.isNamespaceImport(node)) &&
      node.name !== undefined &&
      ts.isIdentifier(node.name)
    )
      names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

/**
 * Returns the problems of one code cell: imports from outside the project
 * and definitions of functions or classes, which belong in `src/`.
 * Callbacks passed inline (`faces.map((face) => ...)`) are allowed.
 */
export function checkCode(source: string): string[] {
  const file = ts.createSourceFile(
    'cell.ts',
    source,
    ts.ScriptTarget.ES2022,
    true,
  );
  const problems: string[] = [];
  const lineOf = (node: ts.Node): number =>
    file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;

  const declared = declaredNames(file);
  const visit = (node: ts.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const problem = checkImport(node.moduleSpecifier.text);
      if (problem) problems.push(`line ${lineOf(node)} ${problem}`);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) &&
          node.expression.text === 'require'))
    ) {
      const [argument] = node.arguments;
      const problem =
        argument !== undefined && ts.isStringLiteral(argument)
          ? checkImport(argument.text)
          : 'loads a module by a computed name';
      if (problem) problems.push(`line ${lineOf(node)} ${problem}`);
    } else if (
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isClassExpression(node)
    ) {
      problems.push(
        `line ${lineOf(node)} defines a function or class; put it in src/ and import it`,
      );
    } else if (
      ts.isShorthandPropertyAssignment(node) &&
      !declared.has(node.name.text)
    ) {
      // tslab 1.0 does not rewrite `{ name }` to the variable of an earlier
      // cell, so it raises a ReferenceError at run time.
      problems.push(
        `line ${lineOf(node)} writes { ${node.name.text} } for a name from an earlier cell, which tslab cannot resolve; write { ${node.name.text}: ${node.name.text} }`,
      );
    } else if (
      ts.isVariableDeclaration(node) &&
      node.initializer !== undefined &&
      (ts.isArrowFunction(node.initializer) ||
        ts.isFunctionExpression(node.initializer))
    ) {
      problems.push(
        `line ${lineOf(node)} defines the function ${node.name.getText(file)}; put it in src/ and import it`,
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return problems;
}

/** Returns the number of lines of a cell, ignoring trailing blank lines. */
function lineCount(source: string): number {
  return source.replace(/\s+$/, '').split('\n').length;
}

/**
 * Checks the structure of a notebook and returns its problems, each
 * prefixed with the cell number (1-based); empty when it follows every rule.
 */
export function checkNotebookStructure(notebook: Notebook): string[] {
  const problems: string[] = [];
  const { cells } = notebook;
  if (notebook.nbformat !== 4)
    problems.push(`nbformat is ${notebook.nbformat}, expected 4`);
  if (notebook.metadata.kernelspec?.name !== 'tslab')
    problems.push('the kernel is not tslab (metadata.kernelspec.name)');
  if (cells.length === 0) return [...problems, 'the notebook has no cells'];

  const first = cells[0]!;
  if (
    first.cell_type !== 'markdown' ||
    !cellSource(first).includes(OPENING_HEADING)
  )
    problems.push(`cell 1 must be markdown with "${OPENING_HEADING}"`);
  const last = cells[cells.length - 1]!;
  if (
    last.cell_type !== 'markdown' ||
    !cellSource(last).includes(CLOSING_HEADING)
  )
    problems.push(
      `cell ${cells.length} (the last) must be markdown with "${CLOSING_HEADING}"`,
    );

  cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const where = `cell ${index + 1}`;
    const source = cellSource(cell);
    const previous = cells[index - 1];
    if (
      previous?.cell_type !== 'markdown' ||
      cellSource(previous).trim() === ''
    )
      problems.push(`${where}: a code cell must follow a markdown explanation`);
    const lines = lineCount(source);
    if (lines > MAX_CODE_CELL_LINES)
      problems.push(
        `${where} has ${lines} lines; split it (at most ${MAX_CODE_CELL_LINES})`,
      );
    for (const problem of checkCode(source))
      problems.push(`${where} ${problem}`);
  });
  return problems;
}

/**
 * Returns whether an output's HTML draws a figure with `showFigure`, whose
 * `<div>` has the class `facelab-figure` (see `figureDiv` in
 * `src/plots/html.ts`).
 */
function isPlotlyHtml(data: Readonly<Record<string, unknown>>): boolean {
  const html = data['text/html'];
  const text = Array.isArray(html) ? html.join('') : html;
  return (
    typeof text === 'string' &&
    text.includes('class="facelab-figure"') &&
    text.includes('Plotly.newPlot(')
  );
}

/**
 * Checks the saved outputs of an executed notebook: no cell saved an error
 * and at least one output is a figure, an image or a Plotly figure. tslab leaves
 * `execution_count` empty, so whether a cell ran cannot be read from the file.
 */
export function checkSavedOutputs(notebook: Notebook): string[] {
  const problems: string[] = [];
  let images = 0;
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const outputs = cell.outputs ?? [];
    for (const output of outputs) {
      if (output.output_type === 'error')
        problems.push(`cell ${index + 1} saved an error output`);
      const data = output.data ?? {};
      if ('image/png' in data || 'image/jpeg' in data || isPlotlyHtml(data))
        images++;
    }
  });
  if (images === 0)
    problems.push('no cell output is an image or a Plotly figure');
  return problems;
}
