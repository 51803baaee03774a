/**
 * The config as text: YAML (or JSON, a subset of it) parsed with every syntax error and bad alias
 * reported by line and column, then validated. Apart from config.ts so that the scale function,
 * which receives its config as JSON, does not bundle a YAML parser.
 */
import { type Document, LineCounter, parseDocument, visit } from 'yaml';
import { ConfigError, type FleetwardConfig, validateConfig } from './config.ts';

/** Where an alias is that does not resolve, or the first alias when they expand too far. */
function aliasProblem(document: Document.Parsed, lines: LineCounter, error: ReferenceError): string {
  let at: number | undefined;
  visit(document, {
    Alias(_key, alias) {
      if (at === undefined || alias.resolve(document) === undefined) at = alias.range?.[0];
      return alias.resolve(document) === undefined ? visit.BREAK : undefined;
    },
  });
  const position = at === undefined ? undefined : lines.linePos(at);
  const where = position === undefined ? 'YAML' : `line ${position.line}, column ${position.col}`;
  const unresolved = error.message.startsWith('Unresolved alias');
  return `${where}: ${unresolved ? error.message : 'aliases expand too far (at most 100 expansions): is it an alias bomb?'}`;
}

/** Parses YAML (or JSON, a subset of it) text and validates it. */
export function parseConfig(text: string, source = 'config'): FleetwardConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => {
        const line = error.linePos?.[0];
        const where = line ? `line ${line.line}, column ${line.col}` : 'YAML';
        return `${where}: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  if (document.contents === null) throw new ConfigError(source, ['(top level): the document is empty; it needs a fleets list']);
  let parsed: unknown;
  try {
    parsed = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new ConfigError(source, [aliasProblem(document, lines, error)]);
  }
  return validateConfig(parsed, source);
}
