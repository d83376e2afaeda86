package dev.netpolc.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** The streams and working directory a command runs with; tests pass their own. */
record Io(InputStream in, PrintStream out, PrintStream err, Path cwd) {}
