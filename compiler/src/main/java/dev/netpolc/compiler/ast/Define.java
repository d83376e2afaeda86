package dev.netpolc.compiler.ast;

/** {@code define NAME = { members }}: a named set of endpoints that rules and other sets use. */
public record Define(Value name, EndpointAst set) {}
