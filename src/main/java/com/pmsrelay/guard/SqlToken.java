package com.pmsrelay.guard;

/** One lexical token of T-SQL: what it is, its text (for words, upper-cased) and where it lies. */
public record SqlToken(Kind kind, String text, int start, int end) {
  public enum Kind { WORD, QUOTED_IDENTIFIER, STRING, NUMBER, VARIABLE, SYMBOL }
}
