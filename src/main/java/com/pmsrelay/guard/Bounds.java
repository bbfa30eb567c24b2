package com.pmsrelay.guard;

/**
 * What one statement may cost the guard. Each limit is checked before the work it protects: the
 * lexer counts tokens, parentheses and list items in one linear pass before anything else reads
 * the text, and JSqlParser (whose look-ahead is exponential in subquery nesting) only ever sees
 * statements inside all of them, under a time-out.
 *
 * @param maxTokens       tokens in the statement
 * @param maxDepth        parentheses open at once
 * @param maxListLength   items in one list (IN lists, select lists): the parser is quadratic in it
 * @param maxQueryNesting SELECTs nested in one another
 * @param parseTimeoutMs  how long JSqlParser may take before the statement is refused
 */
record Bounds(int maxTokens, int maxDepth, int maxListLength, int maxQueryNesting, long parseTimeoutMs) {
  static final Bounds DEFAULT = new Bounds(10_000, 32, 1_000, 8, 2_000);

  Bounds withParseTimeoutMs(long millis) {
    return new Bounds(maxTokens, maxDepth, maxListLength, maxQueryNesting, millis);
  }
}
