package dev.netpolc.cli;

import org.apache.commons.cli.Options;

/** One subcommand of netpolc. */
interface Command {

    /** The word that selects it, such as {@code compile}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The synopsis after {@code netpolc}, such as {@code compile [-t TARGET] [-o FILE] POLICY}. */
    String synopsis();

    /** A paragraph printed under the options in the command's help. */
    String details();

    Options options();

    /** Runs the command and returns its exit code. */
    int run(Args line, Io io) throws UsageException;
}
