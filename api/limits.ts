import { BREAK, type DocumentNode, GraphQLError, Lexer, type ParseOptions, parse, Source, TokenKind, visit } from 'graphql';
import { ApiError, type ApiErrorCode, refusal } from './errors.js';
import { badText } from './input-check.js';

/**
 * What one GraphQL document may ask. Each is checked as early as it can be, so that a hostile document
 * costs little to refuse: its size before it is parsed, its tokens while it is parsed, its shape
 * (aliases, fields, nesting) before the costly validation rules run, its cost before it executes.
 */
export interface QueryLimits {
  /** UTF-8 bytes of the document (API_MAX_QUERY_BYTES). */
  maxBytes: number;
  /** Lexical tokens; also bounds how deep the parser's recursion can go. */
  maxTokens: number;
  /** Aliased fields in the whole document. */
  maxAliases: number;
  /** Fields at the root of one operation. */
  maxRootFields: number;
  /** Field selections in the whole document, fragments included. */
  maxFields: number;
  /** Levels of fields, leaves included. */
  maxDepth: number;
  /** A list field costs its page size times its children; every field costs at least 1. */
  maxCost: number;
  /** Nesting of list and object values, in literals and in variables. */
  maxInputDepth: number;
  /** Nesting of brackets of any kind, checked before parsing: graphql-js parses by recursion. */
  maxNesting: number;
}

export const defaultQueryLimits = (maxBytes = 65_536): QueryLimits => ({
  maxBytes,
  maxTokens: 5000,
  maxAliases: 50,
  maxRootFields: 20,
  maxFields: 1000,
  maxDepth: 10,
  maxCost: 20_000,
  maxInputDepth: 32,
  maxNesting: 64,
});

/** Refuses a document over the byte limit, before anything reads it. */
export function checkSource(source: string, limits: QueryLimits): void {
  // Cheap first: a string has at least as many UTF-8 bytes as UTF-16 units.
  if (source.length > limits.maxBytes || Buffer.byteLength(source) > limits.maxBytes)
    throw refusal('QUERY_TOO_LARGE', `the query is larger than the limit of ${limits.maxBytes} bytes`);
}

const opening = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const closing = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Refuses a document whose brackets nest deeper than the limit, by lexing it (no recursion) before the
 * parser recurses into it: `[[[[...]]]]` 2,500 deep overflows graphql-js's parser. A document the
 * lexer cannot read is left to the parser, which says why.
 */
export function checkNesting(source: string, limits: QueryLimits): void {
  const lexer = new Lexer(new Source(source));
  let depth = 0;
  try {
    for (
      let token = lexer.advance(), count = 0;
      token.kind !== TokenKind.EOF && count <= limits.maxTokens;
      token = lexer.advance(), count++
    ) {
      if (opening.has(token.kind) && ++depth > limits.maxNesting)
        throw refusal('QUERY_TOO_COMPLEX', `the query nests brackets deeper than ${limits.maxNesting} levels`);
      if (closing.has(token.kind)) depth--;
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
  }
}

export const parseOptions = (limits: QueryLimits): ParseOptions => ({ maxTokens: limits.maxTokens });

/** graphql-js says "Document contains more that N tokens" (sic): the one parse error that is a limit. */
function asTokenRefusal(error: unknown, limits: QueryLimits): ApiError | null {
  if (!(error instanceof GraphQLError) || !/^Syntax Error: Document contains more th(?:an|at) \d+ tokens/.test(error.message)) return null;
  return refusal('QUERY_TOO_LARGE', `the query has more than ${limits.maxTokens} tokens`);
}

/**
 * Size, then nesting, then tokens (while parsing), then shape: each refusal as cheap as it can be.
 * Over HTTP this runs before Apollo, whose hooks before validation cannot refuse a request cleanly
 * (Apollo answers a throw there with a 500); Apollo then parses an accepted document again.
 */
export function parseWithinLimits(source: unknown, limits: QueryLimits): DocumentNode {
  if (typeof source !== 'string' || !source) throw refusal('BAD_USER_INPUT', 'the operation has no query');
  checkSource(source, limits);
  checkNesting(source, limits);
  let document: DocumentNode;
  try {
    document = parse(source, parseOptions(limits));
  } catch (error) {
    // Any other syntax error carries Apollo's code, so that graphql-ws answers it as HTTP does.
    throw asTokenRefusal(error, limits) ?? new GraphQLError((error as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  }
  checkShape(document, limits);
  return document;
}

/**
 * One pass over the parsed document (graphql-js's visit is iterative, so no depth overflows it):
 * aliases, root fields, all fields, field nesting, value nesting, and bad characters in string literals.
 * It stops at the first limit passed.
 */
export function checkShape(document: DocumentNode, limits: QueryLimits): void {
  let aliases = 0;
  let fields = 0;
  let rootFields = 0;
  let selectionDepth = 0;
  let inOperation = false;
  let valueDepth = 0;
  /** Where a value sits: the argument (or variable default) and the object fields inside it. */
  const at: string[] = [];
  const named = (what: string) => (at.length ? at.join('.') : what);
  let refused: ApiError | null = null;
  const refuse = (code: ApiErrorCode, message: string) => {
    refused = refusal(code, message);
    return BREAK;
  };
  visit(document, {
    OperationDefinition: {
      enter: () => {
        inOperation = true;
        rootFields = 0;
      },
      leave: () => {
        inOperation = false;
      },
    },
    SelectionSet: {
      enter: () => {
        if (++selectionDepth > limits.maxDepth) return refuse('QUERY_TOO_COMPLEX', `the query nests deeper than ${limits.maxDepth} levels`);
      },
      leave: () => {
        selectionDepth--;
      },
    },
    Field(node) {
      if (node.alias && ++aliases > limits.maxAliases)
        return refuse('TOO_MANY_ALIASES', `the query has more than ${limits.maxAliases} aliases`);
      if (++fields > limits.maxFields) return refuse('QUERY_TOO_COMPLEX', `the query selects more than ${limits.maxFields} fields`);
      if (inOperation && selectionDepth === 1 && ++rootFields > limits.maxRootFields)
        return refuse('QUERY_TOO_COMPLEX', `an operation asks for more than ${limits.maxRootFields} root fields`);
    },
    VariableDefinition: { enter: (node) => void at.push(`$${node.variable.name.value}`), leave: () => void at.pop() },
    Argument: { enter: (node) => void at.push(node.name.value), leave: () => void at.pop() },
    ObjectField: { enter: (node) => void at.push(node.name.value), leave: () => void at.pop() },
    ListValue: { enter: () => deeper(), leave: () => void valueDepth-- },
    ObjectValue: { enter: () => deeper(), leave: () => void valueDepth-- },
    StringValue(node) {
      const bad = badText(node.value);
      if (bad) return refuse('BAD_USER_INPUT', `${named('a string')}: ${bad}`);
    },
  });
  function deeper() {
    if (++valueDepth > limits.maxInputDepth)
      return refuse('BAD_USER_INPUT', `${named('a value')}: nests deeper than ${limits.maxInputDepth} levels`);
  }
  if (refused) throw refused;
}
