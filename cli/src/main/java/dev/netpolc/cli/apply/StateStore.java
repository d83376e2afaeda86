package dev.netpolc.cli.apply;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where apply keeps what it applied to one network namespace, and the lock that keeps two applies
 * apart: {@code DIR/host/} for this host's namespace, {@code DIR/netns/NAME/} for a named one.
 * {@code record.properties} says what was applied (policy digest, time, backend, layout, chain
 * prefix, nft table); {@code applied.iptables}, {@code applied.ip6tables} and
 * {@code applied.nftables} hold the rules as compiled, so that the next apply knows which rules in
 * built-in chains were netpolc's; {@code applied.iplink} the link setup script, which a rollback
 * runs again to recreate the links it deleted; {@code owner} the identity apply writes into the
 * mark of every link and namespace it creates ({@link #owner}).
 *
 * <p>A rollback runs {@code applied.iplink} as root, so the state is root's alone: directories
 * 0700 and files 0600 whatever the umask, owned by the user apply runs as, never reached through a
 * symbolic link, written under unpredictable temporary names. A state directory or file that
 * another user owns or could have written is refused before anything in it is read.
 */
final class StateStore implements AutoCloseable {

    /** The default directory, when neither --state-dir nor NETPOLC_STATE_DIR says otherwise. */
    static final Path DEFAULT_DIR = Path.of("/var/lib/netpolc");

    /** Where the per-namespace locks live, unless NETPOLC_LOCK_DIR says otherwise. */
    static final Path DEFAULT_LOCK_DIR = Path.of("/run/netpolc");

    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> DIR_ATTR = PosixFilePermissions.asFileAttribute(DIR_MODE);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTR = PosixFilePermissions.asFileAttribute(FILE_MODE);

    private final Path base;
    private final Path dir;
    private boolean checked;
    /** For --dry-run and status, which change nothing: lax read bits are left as they are. */
    private boolean readOnly;
    private FileChannel lockChannel;
    private FileLock lock;
    private FileChannel nsLockChannel;
    private FileLock nsLock;

    StateStore(Path base, String netns) {
        this.base = base;
        this.dir = netns == null ? base.resolve("host") : base.resolve("netns").resolve(netns);
    }

    Path dir() {
        return dir;
    }

    /** Makes {@link #check} change nothing (for --dry-run and status). */
    void readOnly() {
        readOnly = true;
    }

    /**
     * Takes the lock of the target namespace ({@code nsKey}, from {@link Host#identity}: one lock
     * per namespace, whatever state directory names it), then the lock of the state directory;
     * or says who holds them.
     */
    void lock(String nsKey) throws ApplyException {
        Path lockDir = lockDir();
        Path nsFile = lockDir.resolve(nsKey + ".lock");
        try {
            makeDirs(lockDir, lockDir);
        } catch (IOException e) {
            throw new ApplyException("cannot make the lock directory " + lockDir + ": " + e.getMessage());
        }
        nsLockChannel = openLock(nsFile);
        nsLock = tryLock(nsLockChannel, nsFile);
        if (nsLock == null) {
            String holder = holder(nsFile);
            close();
            throw new ApplyException("another netpolc apply is running on this namespace (lock " + nsFile
                    + (holder.isEmpty() ? "" : ", held by process " + holder) + "); wait for it to finish. The lock"
                    + " goes with the process that holds it, so it is never left behind");
        }
        writePid(nsLockChannel, nsFile);
        Path file = dir.resolve("lock");
        makeStateDir();
        lockChannel = openLock(file);
        lock = tryLock(lockChannel, file);
        if (lock == null) {
            String holder = holder(file);
            close();
            throw new ApplyException("another netpolc apply is running with the state directory " + dir + " (lock " + file
                    + (holder.isEmpty() ? "" : ", held by process " + holder) + "); wait for it to finish");
        }
        writePid(lockChannel, file);
    }

    /**
     * The key of a network namespace's lock: the device and inode of the namespace itself (of
     * /run/netns/NAME, or of this process's own), so that two applies to one namespace exclude
     * each other whatever state directory or name they use for it.
     */
    static String namespaceKey(String netns) throws ApplyException {
        Path ns = netns == null ? Path.of("/proc/self/ns/net") : Host.NETNS_DIR.resolve(netns);
        try {
            Object dev = Files.getAttribute(ns, "unix:dev");
            Object ino = Files.getAttribute(ns, "unix:ino");
            return "netns-" + dev + "-" + ino;
        } catch (IOException | UnsupportedOperationException e) {
            throw new ApplyException("cannot read the identity of " + (netns == null ? "this process's network"
                    + " namespace" : "network namespace " + netns) + " (" + ns + "): " + e.getMessage());
        }
    }

    private static Path lockDir() {
        String env = System.getenv("NETPOLC_LOCK_DIR");
        return env != null && !env.isEmpty() ? Path.of(env) : DEFAULT_LOCK_DIR;
    }

    private static FileChannel openLock(Path file) throws ApplyException {
        try {
            refuseUnsafe(file, false);
            Set<OpenOption> opts = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS);
            return FileChannel.open(file, opts, FILE_ATTR);
        } catch (IOException e) {
            throw new ApplyException("cannot take the lock " + file + ": " + e.getMessage());
        }
    }

    private static FileLock tryLock(FileChannel ch, Path file) throws ApplyException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        } catch (IOException e) {
            throw new ApplyException("cannot take the lock " + file + ": " + e.getMessage());
        }
    }

    private static String holder(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void writePid(FileChannel ch, Path file) throws ApplyException {
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            throw new ApplyException("cannot write the lock " + file + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {lock, lockChannel, nsLock, nsLockChannel}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // a lock goes with its channel, and the channel with the process
            }
        }
        lock = null;
        lockChannel = null;
        nsLock = null;
        nsLockChannel = null;
    }

    // ---- safety of the directory and its files ----

    /**
     * Checks, once, the state directory and what it holds (if it exists) and the directories above
     * it up to the state base: see the class comment. Files readable by others (written by an
     * earlier netpolc under a lax umask) are made 0600; anything others could have written is
     * refused, since a rollback runs what it reads as root.
     */
    void check() throws ApplyException {
        if (checked) {
            return;
        }
        try {
            for (Path p = base; p != null; p = p.equals(dir) ? null : child(p)) {
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    break;
                }
                refuseUnsafe(p, true, !readOnly);
            }
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                    for (Path f : entries) {
                        refuseUnsafe(f, false, !readOnly);
                    }
                }
            }
        } catch (IOException e) {
            throw new ApplyException("cannot check the state directory " + dir + ": " + e.getMessage());
        }
        checked = true;
    }

    /** The next directory from {@code p} down to {@link #dir}. */
    private Path child(Path p) {
        return p.resolve(dir.getName(p.getNameCount()));
    }

    /**
     * Refuses {@code p} unless it is a directory ({@code dir}) or regular file, not a symbolic
     * link, owned by this process's user, and writable by no one else; takes away the read and
     * execute bits of others.
     */
    static void refuseUnsafe(Path p, boolean dir) throws ApplyException, IOException {
        refuseUnsafe(p, dir, true);
    }

    /** As {@link #refuseUnsafe(Path, boolean)}; the read and execute bits of others are taken away only with {@code tighten}. */
    static void refuseUnsafe(Path p, boolean dir, boolean tighten) throws ApplyException, IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String what = dir ? "state directory " : "state file ";
        if (Files.isSymbolicLink(p)) {
            throw new ApplyException(what + p + " is a symbolic link; apply never follows one there (it could"
                    + " point anywhere). Remove it; apply makes " + (dir ? "the directory" : "the file") + " itself");
        }
        if (dir ? !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) : !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApplyException(what + p + " is not a " + (dir ? "directory" : "regular file") + "; remove it");
        }
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int me = myUid();
        if (uid != me) {
            throw new ApplyException(what + p + " belongs to user " + uid + ", not to user " + me + " who runs apply;"
                    + " a rollback runs what the state holds as this user, so apply trusts only its own files. Check"
                    + " it, then 'chown -R " + me + " " + p + "' or remove it");
        }
        if ((mode & 0022) != 0) {
            throw new ApplyException(what + p + " is writable by " + ((mode & 0002) != 0 ? "every user" : "its group")
                    + " (mode " + String.format("%04o", mode & 07777) + "); a rollback runs what the state holds as root,"
                    + " so apply refuses it. Check that nobody changed it, then 'chmod -R go-w " + p + "'");
        }
        if (tighten && (mode & 0077) != 0) {
            Files.setPosixFilePermissions(p, dir ? DIR_MODE : FILE_MODE);
        }
    }

    /** The user this process runs as: the owner of /proc/self. */
    private static int myUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** Makes the state directory and those above it that are missing, 0700, and checks them. */
    private void makeStateDir() throws ApplyException {
        try {
            makeDirs(base, dir);
        } catch (IOException e) {
            throw new ApplyException("cannot make the state directory " + dir + ": " + e.getMessage());
        }
        checked = false;
        check();
    }

    /** Makes {@code top} and the directories from it down to {@code bottom}, each 0700, each checked. */
    private static void makeDirs(Path top, Path bottom) throws IOException, ApplyException {
        Path p = top;
        while (true) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                if (p.getParent() != null && !Files.exists(p.getParent())) {
                    Files.createDirectories(p.getParent());
                }
                try {
                    Files.createDirectory(p, DIR_ATTR);
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile: checked below like any other
                }
            }
            refuseUnsafe(p, true);
            if (p.equals(bottom)) {
                return;
            }
            p = p.resolve(bottom.getName(p.getNameCount()));
        }
    }

    // ---- the owner ----

    /**
     * This state directory's identity, 16 hex digits made once at random and kept in
     * {@code owner}: apply writes it into the mark of every link and namespace it creates, and
     * takes as its own only what carries it. "" for a record written before owners existed, whose
     * links carry marks without one; null when there is none yet and {@code create} is false.
     */
    String owner(boolean create) throws ApplyException {
        check();
        Path file = dir.resolve("owner");
        try {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.matches("[0-9a-f]{16}")) {
                    throw new ApplyException("the state file " + file + " is damaged (it should hold 16 hex digits, the"
                            + " identity in the marks of what apply created); put it back from the marks"
                            + " ('ip -o link show' shows them after '@'), or run 'netpolc apply --down' with the"
                            + " policy's links removed by hand and delete it");
                }
                return id;
            }
            if (Files.exists(dir.resolve("record.properties"), LinkOption.NOFOLLOW_LINKS)) {
                return "";
            }
            if (!create) {
                return null;
            }
            makeStateDir();
            byte[] b = new byte[8];
            new SecureRandom().nextBytes(b);
            String id = HexFormat.of().formatHex(b);
            replace(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new ApplyException("cannot read or write " + file + ": " + e.getMessage());
        }
    }

    // ---- the record ----

    /** The record, or null when nothing was applied; a damaged one is refused with a way out. */
    Properties record() throws ApplyException {
        check();
        Path file = dir.resolve("record.properties");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw damaged(file, "cannot be read: " + e.getMessage());
        }
        String why = RecordCheck.problem(p);
        if (why != null) {
            throw damaged(file, why);
        }
        return p;
    }

    private ApplyException damaged(Path file, String why) {
        return new ApplyException("the state record " + file + " is damaged (" + why + "). Take the namespace down with"
                + " 'netpolc apply --down' after putting the file back, or delete the record's files (" + dir
                + "/record.properties and " + dir + "/applied.*) and apply again: apply then works from the namespace"
                + " as it finds it");
    }

    /** A file of the record ("applied.iptables"...), or "" when it is not there. */
    String applied(String name) throws ApplyException {
        check();
        Path file = dir.resolve(name);
        try {
            return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new ApplyException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Replaces the record and its files, each atomically, the properties last. */
    void write(Properties record, Map<String, String> files) throws ApplyException {
        makeStateDir();
        try {
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
    Map<String, String> recordFiles() throws ApplyException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : RECORD_FILES) {
            if (Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                out.put(name, applied(name));
            }
        }
        return out;
    }

    /** Puts the record's files back as {@code files} says (name to content; a file not named is deleted), the properties last. */
    void restoreFiles(Map<String, String> files) throws ApplyException {
        makeStateDir();
        try {
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

    /** Deletes the record and its files (after --down); the owner stays with the directory. */
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
        for (String key : new TreeSet<>(record.stringPropertyNames())) {
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

    /** Whether a small marker file (pending, confirmed) is there. */
    boolean has(String name) {
        return Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    /** Writes a small file of the state directory (a marker, the journal) atomically, 0600. */
    void put(String name, String text) throws ApplyException {
        makeStateDir();
        try {
            replace(dir.resolve(name), text);
        } catch (IOException e) {
            throw new ApplyException("cannot write " + dir.resolve(name) + ": " + e.getMessage());
        }
    }

    /**
     * Replaces {@code file} atomically: a new file of mode 0600 with an unpredictable name in the
     * same directory, written, synced, then renamed over it.
     */
    static void replace(Path file, String text) throws IOException {
        replace(file, text.getBytes(StandardCharsets.UTF_8));
    }

    static void replace(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp", FILE_ATTR);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
