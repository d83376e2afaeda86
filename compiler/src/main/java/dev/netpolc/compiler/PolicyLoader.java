package dev.netpolc.compiler;

import dev.netpolc.compiler.ast.Block;
import dev.netpolc.compiler.ast.Define;
import dev.netpolc.compiler.ast.RuleDecl;
import dev.netpolc.compiler.ast.Include;
import dev.netpolc.compiler.ast.ParsedFile;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.diag.Suggest;
import dev.netpolc.compiler.parse.PolicyParser;
import dev.netpolc.compiler.parse.PolicyParser.UnsupportedItem;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.SourceSpan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a policy and the files it includes, parses each, and returns the declarations in order,
 * each include expanded where it stands. A file included twice is read once; a file that includes
 * itself (through any chain) is an error.
 */
final class PolicyLoader {

    /** How deep includes may nest before the loader stops. */
    static final int MAX_INCLUDE_DEPTH = 64;

    /**
     * The largest policy file read, 16 MiB: ten thousand networks with ten containers each take
     * about 2 MiB, and the parser holds every token of a file in memory.
     */
    static final long MAX_FILE_BYTES = 16L << 20;

    private static final List<String> STATEMENTS = List.of("network", "container", "node", "settings", "include", "define",
            "allow", "deny", "reject", "log");

    private final Diagnostics diags;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<Block> blocks = new ArrayList<>();
    private final List<RuleDecl> rules = new ArrayList<>();
    private final List<Define> defines = new ArrayList<>();
    private final Set<Path> loaded = new LinkedHashSet<>();
    private final Deque<Path> stack = new ArrayDeque<>();
    private final Map<Path, String> displayNames = new java.util.HashMap<>();
    /** Includes must resolve inside this directory: the main file's, or the working directory for a stream. */
    private Path root;
    /**
     * Whether the main policy is a stream (standard input, a pipe such as {@code /dev/fd/63}, a
     * FIFO or a device) rather than a regular file: it has no directory of its own, so its
     * includes resolve against the working directory, as standard input's always did.
     */
    private boolean mainIsStream;
    private final List<CompileResult.IncludeSite> includes = new ArrayList<>();

    PolicyLoader(Diagnostics diags) {
        this.diags = diags;
    }

    /** File names (as displayed) to their text, in the order they were read. */
    Map<String, String> sources() {
        return sources;
    }

    List<Block> blocks() {
        return blocks;
    }

    /** The policy rules in source order, includes expanded in place. */
    List<RuleDecl> rules() {
        return rules;
    }

    /** The named sets, in source order. */
    List<Define> defines() {
        return defines;
    }

    /** The real path of every file read: the main file (unless it has none) and every include. */
    List<Path> paths() {
        return new ArrayList<>(loaded);
    }

    /** Every include that was followed, in the order they were read. */
    List<CompileResult.IncludeSite> includes() {
        return includes;
    }

    /**
     * Loads the main file's text; includes are resolved against {@code baseDir}. {@code stream}
     * says that the main policy is not a regular file (standard input, a pipe, a FIFO), so that
     * {@code baseDir} is the working directory and diagnostics say so.
     */
    void loadMain(String displayName, String text, Path realPath, Path baseDir, boolean stream) {
        mainIsStream = stream;
        try {
            root = baseDir.toRealPath();
        } catch (IOException e) {
            root = baseDir.toAbsolutePath().normalize();
        }
        if (realPath != null) {
            loaded.add(realPath);
            stack.push(realPath);
        }
        parseAndExpand(displayName, text, baseDir, 0);
        if (realPath != null) {
            stack.pop();
        }
    }

    private void parseAndExpand(String displayName, String text, Path baseDir, int depth) {
        sources.put(displayName, text);
        ParsedFile file = PolicyParser.parse(displayName, text, diags);
        for (Object item : file.items()) {
            if (item instanceof Block) {
                blocks.add((Block) item);
            } else if (item instanceof RuleDecl) {
                rules.add((RuleDecl) item);
            } else if (item instanceof Define) {
                defines.add((Define) item);
            } else if (item instanceof Include) {
                include((Include) item, displayName, baseDir, depth);
            } else if (item instanceof UnsupportedItem) {
                unsupported((UnsupportedItem) item);
            }
        }
    }

    private void unsupported(UnsupportedItem u) {
        List<Note> notes = new ArrayList<>();
        Suggest.didYouMean(u.word(), STATEMENTS).ifPresent(notes::add);
        notes.add(Note.help("a policy holds network, container, node, settings, include and define statements and"
                + " allow, deny, reject and log rules"));
        diags.add(new Diagnostic(DiagnosticCode.UNKNOWN_STATEMENT, DiagnosticCode.UNKNOWN_STATEMENT.defaultSeverity(),
                u.span(), "unknown statement '" + u.word() + "'", notes));
    }

    private void include(Include inc, String fromName, Path baseDir, int depth) {
        boolean fromStream = mainIsStream && depth == 0;
        String target = inc.path().text();
        SourceSpan span = inc.path().span();
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            diags.report(DiagnosticCode.INCLUDE_NOT_FOUND, span, "include needs a file name",
                    Note.help("write include \"other.net\""));
            return;
        }
        if (depth + 1 > MAX_INCLUDE_DEPTH) {
            diags.report(DiagnosticCode.INCLUDE_TOO_DEEP, span, "includes are nested more than " + MAX_INCLUDE_DEPTH + " deep",
                    Note.help("flatten the chain of includes"));
            return;
        }
        Path path;
        try {
            path = baseDir.resolve(target).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            diags.report(DiagnosticCode.INCLUDE_NOT_FOUND, span, "'" + target + "' is not a valid file name");
            return;
        }
        Path real;
        byte[] bytes;
        try {
            real = path.toRealPath();
            if (Files.isDirectory(real)) {
                diags.report(DiagnosticCode.INCLUDE_NOT_FOUND, span, "cannot include '" + target + "': it is a directory",
                        Note.help("name a policy file"));
                return;
            }
            if (!real.startsWith(root)) {
                diags.report(DiagnosticCode.INCLUDE_OUTSIDE_ROOT, span, "'" + target
                        + "' is outside the directory of the main policy, so it is not read",
                        Note.note("includes are confined to " + (mainIsStream ? "the working directory"
                                : "the main policy's directory and its subdirectories")
                                + ", so a policy cannot make netpolc read (and quote) other files"),
                        Note.help("move the file next to the policy, or compile from a directory that contains both"));
                return;
            }
            if (stack.contains(real)) {
                diags.report(DiagnosticCode.INCLUDE_CYCLE, span, "'" + target + "' is already being included: this is a cycle",
                        Note.note("include chain: " + chain(real)), Note.help("remove one of the includes in the cycle"));
                return;
            }
            if (!loaded.add(real)) {
                includes.add(new CompileResult.IncludeSite(span, displayNames.getOrDefault(real, target), true));
                return;
            }
            bytes = readBounded(real);
            if (bytes.length > MAX_FILE_BYTES) {
                diags.report(DiagnosticCode.FILE_TOO_LARGE, span, "'" + target + "' is " + sizeOverLimit(real)
                        + "; policy files are limited to " + MAX_FILE_BYTES + " bytes",
                        Note.help("split it into smaller files"));
                return;
            }
        } catch (IOException | SecurityException e) {
            diags.report(DiagnosticCode.INCLUDE_NOT_FOUND, span, "cannot read included file '" + target + "'"
                    + reason(e), Note.note("included files are looked up relative to the including file, "
                            + (fromStream ? "here the current directory" : "'" + fromName + "'")));
            return;
        }
        String displayName = display(fromName, target, fromStream);
        displayNames.put(real, displayName);
        includes.add(new CompileResult.IncludeSite(span, displayName, false));
        String text = decode(bytes, displayName);
        if (text == null) {
            return;
        }
        stack.push(real);
        parseAndExpand(displayName, text, real.getParent(), depth + 1);
        stack.pop();
    }

    private String chain(Path again) {
        List<String> names = new ArrayList<>();
        stack.descendingIterator().forEachRemaining(p -> names.add(p.getFileName().toString()));
        names.add(again.getFileName().toString());
        return String.join(" -> ", names);
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return ": no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return ": permission denied";
        }
        return e.getMessage() == null ? "" : ": " + e.getMessage();
    }

    /**
     * Reads the file at {@code path}, whatever kind of file it is (regular, FIFO, pipe, device,
     * {@code /proc}), but never more than {@link #MAX_FILE_BYTES} + 1 bytes: a result longer than
     * the limit means the file is over it. The size the file system reports is not trusted, as it
     * is 0 for a FIFO, {@code /dev/zero} or a {@code /proc} file, which can be endless.
     */
    static byte[] readBounded(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes((int) MAX_FILE_BYTES + 1);
        }
    }

    /**
     * The size of a file that was read past the limit, for a message: "17825792 bytes" when the
     * file system knows it, else "more than 16777216 bytes" (a FIFO, a device, a /proc file).
     */
    static String sizeOverLimit(Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                return size + " bytes";
            }
        } catch (IOException | SecurityException e) {
            // not known: say what was read
        }
        return "more than " + MAX_FILE_BYTES + " bytes";
    }

    /**
     * The include's name as a user would type it: relative to where the including file was named,
     * or as written when it is included by a stream (whose includes are relative to the working
     * directory, where the user is).
     */
    private static String display(String fromName, String target, boolean fromStream) {
        if (target.startsWith("/") || fromName.startsWith("<") || fromStream) {
            return target;
        }
        Path parent = Path.of(fromName).getParent();
        return (parent == null ? Path.of(target) : parent.resolve(target)).normalize().toString();
    }

    /** Why the bytes are not UTF-8 ("byte 0xe9 at line 3, column 7 is not valid UTF-8"), or null when they are. */
    static String utf8Problem(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return null;
        } catch (CharacterCodingException e) {
            int bad = firstInvalidUtf8(bytes);
            String good = new String(bytes, 0, bad, StandardCharsets.UTF_8);
            int line = 1 + (int) good.chars().filter(c -> c == '\n').count();
            int column = good.length() - good.lastIndexOf('\n');
            return String.format("byte 0x%02x at line %d, column %d is not valid UTF-8; save the file as UTF-8",
                    bytes[bad] & 0xff, line, column);
        }
    }

    /** Decodes UTF-8 strictly; an invalid byte is reported with its line and column, and gives null. */
    String decode(byte[] bytes, String displayName) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            String text = decoder.decode(ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            int bad = firstInvalidUtf8(bytes);
            int line = 1;
            int col = 1;
            int i = 0;
            String good = new String(bytes, 0, bad, StandardCharsets.UTF_8);
            for (; i < good.length(); i++) {
                if (good.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            sources.put(displayName, good);
            diags.report(DiagnosticCode.INVALID_ENCODING, new SourceSpan(displayName, line, col, 1),
                    String.format("byte 0x%02x is not valid UTF-8", bytes[bad] & 0xff),
                    Note.help("save the file as UTF-8"));
            return null;
        }
    }

    private static int firstInvalidUtf8(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int n = c < 0x80 ? 0 : (c >= 0xc2 && c <= 0xdf) ? 1 : (c >= 0xe0 && c <= 0xef) ? 2 : (c >= 0xf0 && c <= 0xf4) ? 3 : -1;
            if (n < 0) {
                return i;
            }
            for (int k = 1; k <= n; k++) {
                if (i + k >= b.length || (b[i + k] & 0xc0) != 0x80) {
                    return i;
                }
            }
            String s = new String(b, i, n + 1, StandardCharsets.UTF_8);
            if (s.contains("\uFFFD")) {
                return i;
            }
            i += n + 1;
        }
        return Math.max(0, b.length - 1);
    }
}
