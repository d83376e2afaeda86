package dev.netpolc.cli;

import java.util.List;
import org.apache.commons.cli.Option;

/** The {@code --format} option of the commands that print a report: its definition and its check. */
final class OutputFormat {

    private OutputFormat() {}

    /** {@code -f, --format FORMAT}, the first of {@code formats} being the default. */
    static Option option(String... formats) {
        String desc = formats[0] + " (default)" + (formats.length == 2 ? " or " + formats[1]
                : formats.length > 2 ? ", " + String.join(", ", List.of(formats).subList(1, formats.length - 1)) + " or "
                        + formats[formats.length - 1] : "");
        return Option.builder("f").longOpt("format").hasArg().argName("FORMAT").desc(desc).get();
    }

    /** The chosen format, the first of {@code formats} when none is given; a usage error for any other. */
    static String of(Args line, String command, String... formats) throws UsageException {
        String format = line.getOptionValue("format", formats[0]);
        if (!List.of(formats).contains(format)) {
            throw new UsageException(command + ": unknown format '" + format + "'; formats are: " + String.join(", ", formats));
        }
        return format;
    }
}
