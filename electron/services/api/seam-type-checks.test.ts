// The seams that the type checker keeps, checked by compiling changed copies of the real files
// with TypeScript: the zod-free names must equal the contract's calls and events (both ways), and
// every call must have a handler. A check that compiled anyway would let the preload, the contract
// and the handlers drift apart without a word.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONTRACT = 'shared/contract/index.ts';
const HANDLERS = 'electron/services/api/call-handlers.ts';

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file));
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options, noEmit: true };
}

const options = compilerOptions();
let previous: ts.Program | undefined;

/**
 * The type errors of the program rooted at `root` when `file` (both relative to the repository)
 * has `change` applied to its text, as "file: message" lines.
 */
function typeErrorsWith(root: string, file: string, change: (text: string) => string): string[] {
  const changedPath = path.join(ROOT, file);
  const original = fs.readFileSync(changedPath, 'utf8');
  const changed = change(original);
  expect(changed, `the change to ${file} must apply`).not.toBe(original);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === changedPath ? changed : readFile(name));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    path.resolve(name) === changedPath
      ? ts.createSourceFile(name, changed, languageVersion, true)
      : getSourceFile(name, languageVersion, onError, shouldCreate);
  const program = ts.createProgram({ rootNames: [path.join(ROOT, root)], options, host, oldProgram: previous });
  previous = program;
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? path.relative(ROOT, diagnostic.file.fileName) : '';
    return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

describe('seams kept by the type checker', () => {
  it('refuse a call name listed for the preload that the contract does not declare', () => {
    const errors = typeErrorsWith(CONTRACT, 'shared/contract/contract-names.ts', (text) =>
      text.replace("registry: ['getRunModels',", "registry: ['deleteEverything', 'getRunModels',"),
    );
    expect(errors.join('\n')).toMatch(/shared\/contract\/index\.ts: .*onlyInNames: "deleteEverything"/);
  });

  it('refuse a call the contract declares that the names list leaves out', () => {
    const errors = typeErrorsWith(CONTRACT, 'shared/contract/contract-names.ts', (text) => text.replace("'getRunsTable',", ''));
    expect(errors.join('\n')).toMatch(/shared\/contract\/tracking\.ts: .*'getRunsTable' does not exist/);
  });

  it('refuse a capability merged into the names but not into the calls', () => {
    const errors = typeErrorsWith(CONTRACT, CONTRACT, (text) => text.replace('  ...registryCalls,\n', ''));
    expect(errors.join('\n')).toMatch(/shared\/contract\/index\.ts: .*onlyInNames: "getRunModels" \| "listRegisteredModels" \| "listModelVersions"/);
  });

  it('refuse an event without its name in the names list', () => {
    const errors = typeErrorsWith(CONTRACT, 'shared/contract/events.ts', (text) =>
      text.replace("'tracker.changed': TrackerChange;", "'tracker.changed': TrackerChange;\n  'pipeline.progress': TrackerChange;"),
    );
    expect(errors.join('\n')).toMatch(/shared\/contract\/index\.ts: .*onlyInContract: "pipeline.progress"/);
  });

  it('refuse a handler table that leaves a capability out', () => {
    const errors = typeErrorsWith(HANDLERS, HANDLERS, (text) =>
      text.replace('    ...createRegistryHandlers(context),\n', ''),
    );
    expect(errors.join('\n')).toMatch(/electron\/services\/api\/call-handlers\.ts: .*missing the following properties .*getRunModels/);
  });
});
