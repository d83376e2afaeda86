package dev.netpolc.cli.apply;

import java.io.IOException;
import java.io.Reader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * Where apply keeps what it applied to one network namespace, and the lock that keeps two applies
 * apart: {@code DIR/host/} for this host's namespace, {@code DIR/netns/NAME/} for a named one.
 * {@code record.properties} says what was applied (policy digest, time, backend, layout, chain
 * prefix, nft table); {@code applied.iptables}, {@code applied.ip6tables} and
 * {@code applied.nftables} hold the rules as compiled, so that the next apply knows which rules in
 * built-in chains were netpolc's; {@code applied.iplink} the link setup script, which a rollback
 * runs again to recreate the links it deleted.
 */
final class StateStore implements AutoCloseable {

    /** The default directory, when neither --state-dir nor NETPOLC_STATE_DIR says otherwise. */
    static final Path DEFAULT_DIR = Path.of("/var/lib/netpolc");

    private final Path dir;
    private FileChannel lockChannel;
    private FileLock lock;

    StateStore(Path base, String netns) {
        this.dir = netns == null ? base.resolve("host") : base.resolve("netns").resolve(netns);
    }

    Path dir() {
        return dir;
    }

    /** Takes the lock, or says who holds it. */
    void lock() throws ApplyException {
        Path file = dir.resolve("lock");
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file).strip();
                lockChannel.close();
                lockChannel = null;
                throw new ApplyException("another netpolc apply is running on this namespace (lock " + file
                        + (holder.isEmpty() ? "" : ", held by process " + holder) + "); wait for it to finish. The"
                        + " lock goes with the process that holds it, so it is never left behind");
            }
            lockChannel.truncate(0);
            lockChannel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new ApplyException("cannot take the lock " + file + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // the lock goes with the channel anyway
        }
    }

    /** The record, or null when nothing was applied. */
    Properties record() throws ApplyException {
        Path file = dir.resolve("record.properties");
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ApplyException("cannot read the state record " + file + ": " + e.getMessage());
        }
        return p;
    }

    /** A file of the record ("applied.iptables"...), or "" when it is not there. */
    String applied(String name) throws ApplyException {
        Path file = dir.resolve(name);
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new ApplyException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Replaces the record and its files, each atomically, the properties last. */
    void write(Properties record, java.util.Map<String, String> files) throws ApplyException {
        try {
            Files.createDirectories(dir);
            for (var e : files.entrySet()) {
                replace(dir.resolve(e.getKey()), e.getValue());
            }
            replace(dir.resolve("record.properties"), text(record));
        } catch (IOException e) {
            throw new ApplyException("cannot write the state record in " + dir + ": " + e.getMessage());
        }
    }

    /** The files of the record. */
    static final String[] RECORD_FILES = {"record.properties", "applied.iptables", "applied.ip6tables",
            "applied.nftables", "applied.iplink", Apply.NFT_LISTING};

    /** The record's files that exist, name to content (for the journal). */
    java.util.Map<String, String> recordFiles() throws ApplyException {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String name : RECORD_FILES) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                out.put(name, applied(name));
            }
        }
        return out;
    }

    /** Puts the record's files back as {@code files} says (name to content; a file not named is deleted), the properties last. */
    void restoreFiles(java.util.Map<String, String> files) throws ApplyException {
        try {
            Files.createDirectories(dir);
            for (String name : RECORD_FILES) {
                if (!name.equals("record.properties")) {
                    if (files.containsKey(name)) {
                        replace(dir.resolve(name), files.get(name));
                    } else {
                        Files.deleteIfExists(dir.resolve(name));
                    }
                }
            }
            if (files.containsKey("record.properties")) {
                replace(dir.resolve("record.properties"), files.get("record.properties"));
            } else {
                Files.deleteIfExists(dir.resolve("record.properties"));
            }
        } catch (IOException e) {
            throw new ApplyException("cannot put the state record in " + dir + " back: " + e.getMessage());
        }
    }

    /** Deletes the record and its files (after --down). */
    void clear() throws ApplyException {
        try {
            for (String name : RECORD_FILES) {
                Files.deleteIfExists(dir.resolve(name));
            }
        } catch (IOException e) {
            throw new ApplyException("cannot delete the state record in " + dir + ": " + e.getMessage());
        }
    }

    /**
     * The record in the properties format, keys sorted, without the date line of
     * {@link Properties#store} (whose time zone set-up alone costs a cold JVM tens of milliseconds).
     */
    static String text(Properties record) {
        StringBuilder b = new StringBuilder("# netpolc apply state record\n");
        for (String key : new java.util.TreeSet<>(record.stringPropertyNames())) {
            b.append(escape(key, true)).append('=').append(escape(record.getProperty(key), false)).append('\n');
        }
        return b.toString();
    }

    private static String escape(String s, boolean key) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\f' -> b.append("\\f");
                case '=', ':', '#', '!' -> b.append(key || k == 0 ? "\\" : "").append(c);
                case ' ' -> b.append(key || k == 0 ? "\\ " : " ");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
