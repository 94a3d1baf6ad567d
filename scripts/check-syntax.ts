/**
 * The pre-commit hook's syntax check: every YAML and JSON file named on the command line must
 * parse (YAML: every document, duplicate keys rejected). Prints `file:line:col: message` for
 * each error and exits non-zero if there is any.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';

interface SyntaxProblem {
  /** 1-based; absent when the parser does not say where. */
  line?: number;
  col?: number;
  message: string;
}

const YAML_EXTENSIONS = new Set(['.yml', '.yaml']);
const JSON_POSITION = /position (\d+)/;

/** The YAML parser appends a code frame after the first line. */
function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** V8 quotes the offending JSON, newlines included. */
function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ');
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
}

function yamlErrors(text: string): SyntaxProblem[] {
  const lineCounter = new LineCounter();
  return parseAllDocuments(text, { lineCounter, uniqueKeys: true }).flatMap((document) =>
    document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { line, col, message: firstLine(error.message) };
    }),
  );
}

function jsonErrors(text: string): SyntaxProblem[] {
  try {
    JSON.parse(text);
    return [];
  } catch (error) {
    const message = (error as Error).message;
    const offset = JSON_POSITION.exec(message)?.[1];
    return [{ ...(offset === undefined ? {} : lineAndColumn(text, Number(offset))), message: oneLine(message) }];
  }
}

/** The syntax errors of one file's text, by its extension (.json, .yml, .yaml). */
export function syntaxErrors(path: string, text: string): SyntaxProblem[] {
  return YAML_EXTENSIONS.has(extname(path)) ? yamlErrors(text) : jsonErrors(text);
}

/**
 * Helm chart templates are Go templates, YAML only once rendered (test/deploy/ renders and parses
 * them): the charts in deploy/helm/ and the test charts in test/deploy/fixtures/tpl-charts/.
 */
const HELM_TEMPLATE = /(^|\/)(deploy\/helm|test\/deploy\/fixtures\/tpl-charts)\/.*\/templates\//;

function main(paths: string[]): void {
  let failed = 0;
  for (const path of paths.filter((candidate) => !HELM_TEMPLATE.test(candidate))) {
    for (const { line, col, message } of syntaxErrors(path, readFileSync(path, 'utf8'))) {
      console.error(`${path}${line === undefined ? '' : `:${line}:${col}`}: ${message}`);
      failed += 1;
    }
  }
  if (failed > 0) process.exitCode = 1;
}

if (import.meta.main) main(process.argv.slice(2));
