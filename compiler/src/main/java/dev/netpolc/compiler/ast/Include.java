package dev.netpolc.compiler.ast;

/** An {@code include "file"} statement. */
public record Include(Value path) {}
