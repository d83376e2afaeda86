package dev.netpolc.cli.apply;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The pending-transaction record: what the namespace held before an apply (or --down) changed
 * anything, written (fsync, atomic rename) to the state directory before the first change and
 * removed only after the record of the new state is written. A journal that is still there means
 * the apply that wrote it was killed (or the machine stopped) half way; the next apply, --down or
 * status rolls the namespace back to it before doing anything else.
 *
 * <p>It holds: {@code iptables-save -c} and {@code ip6tables-save -c} as read, with the tables the
 * apply was going to write; netpolc's nftables tables as listed (absent ones named, without a
 * listing); netpolc's links with their MTU, master and addresses (and, for the container
 * namespaces the apply repairs, their links as "NAMESPACE/NAME" and the lines that put their
 * default routes back), and the link setup script of the apply before, which recreates what was
 * deleted; and the state record files as they were.
 */
final class Journal {

    static final String FILE = "journal";
    static final String MAGIC = "netpolc-journal 1\n";

    /** What one family's tables were, and which of them the transaction writes. */
    record Xt(String save, Set<String> written) {}

    /** The parts of the journal; any may be empty. */
    final String what;
    final long pid;
    final String time;
    final Map<String, Xt> xtables;
    /** nftables table name to its listing, or null for a table that did not exist. */
    final Map<String, String> nft;
    /** Whether the transaction touches links at all; when false, the three below are empty. */
    final boolean links;
    final Map<String, Links.Owned> linksBefore;
    final Map<String, Links.Attrs> attrsBefore;
    final String linkScript;
    /**
     * The 'ip -batch' lines, by container namespace, that put default routes the transaction
     * repairs back (after the links' attributes, so that their gateways are reachable again).
     */
    Map<String, List<String>> routesBack = Map.of();
    /**
     * The container namespaces the transaction's setup script creates: a kill between creating
     * one and marking it leaves it unmarked, and the rollback deletes it if it is still so.
     */
    Set<String> creating = Set.of();
    /**
     * The owner in the marks of the links the transaction made (StateStore#owner): "" for one
     * from before owners, whose journal does not name one.
     */
    String owner = "";
    /** The state record files that existed (name to content); others are deleted on recovery. */
    final Map<String, String> record;

    Journal(String what, long pid, String time, Map<String, Xt> xtables, Map<String, String> nft, boolean links,
            Map<String, Links.Owned> linksBefore, Map<String, Links.Attrs> attrsBefore, String linkScript,
            Map<String, String> record) {
        this.what = what;
        this.pid = pid;
        this.time = time;
        this.xtables = xtables;
        this.nft = nft;
        this.links = links;
        this.linksBefore = linksBefore;
        this.attrsBefore = attrsBefore;
        this.linkScript = linkScript;
        this.record = record;
    }

    /** Writes the journal: a temporary file, fsync, atomic rename, fsync of the directory. */
    void write(StateStore store) throws ApplyException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("what", what);
        p.put("pid", Long.toString(pid));
        p.put("time", time);
        p.put("families", String.join(",", xtables.keySet()));
        xtables.forEach((tool, x) -> {
            p.put("save." + tool, x.save());
            p.put("written." + tool, String.join(",", x.written()));
        });
        p.put("nft-tables", String.join(",", nft.keySet()));
        nft.forEach((t, listing) -> {
            if (listing != null) {
                p.put("nft." + t, listing);
            }
        });
        p.put("links", Boolean.toString(links));
        StringBuilder l = new StringBuilder();
        linksBefore.values().forEach(o -> l.append(o.mark()).append('\t').append(o.name()).append('\t')
                .append(o.netns()).append('\n'));
        p.put("links.before", l.toString());
        StringBuilder a = new StringBuilder();
        attrsBefore.forEach((name, x) -> a.append(name).append('\t').append(x.mtu()).append('\t')
                .append(x.master() == null ? "-" : x.master()).append('\t').append(String.join(" ", x.addresses()))
                .append('\t').append(x.up()).append('\n'));
        p.put("links.attrs", a.toString());
        p.put("links.script", linkScript);
        StringBuilder rb = new StringBuilder();
        routesBack.forEach((ns, lines) -> rb.append(ns).append('\t').append(String.join("\t", lines)).append('\n'));
        p.put("links.routes", rb.toString());
        p.put("links.creating", String.join(",", creating));
        p.put("owner", owner);
        p.put("record-files", String.join(",", record.keySet()));
        record.forEach((name, text) -> p.put("record." + name, text));
        // KEY BYTES, a newline, then the value's BYTES bytes of UTF-8 and a newline: the snapshots
        // are written as they are, without the escaping of a properties file.
        java.io.ByteArrayOutputStream w = new java.io.ByteArrayOutputStream();
        w.writeBytes(MAGIC.getBytes(StandardCharsets.UTF_8));
        p.forEach((k, v) -> {
            byte[] value = v.getBytes(StandardCharsets.UTF_8);
            w.writeBytes((k + " " + value.length + "\n").getBytes(StandardCharsets.UTF_8));
            w.writeBytes(value);
            w.write('\n');
        });
        try {
            StateStore.replace(store.file(FILE), w.toByteArray());
            syncDirectory(store.dir());
        } catch (IOException e) {
            throw new ApplyException("cannot write the transaction journal in " + store.dir() + " (nothing was changed): "
                    + e.getMessage());
        }
    }

    /** The journal in {@code dir}, or null when there is none. */
    static Journal read(Path dir) throws ApplyException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try {
            byte[] bytes = Files.readAllBytes(file);
            byte[] magic = MAGIC.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < magic.length || !new String(bytes, 0, magic.length, StandardCharsets.UTF_8).equals(MAGIC)) {
                throw new IOException("not a netpolc journal (it does not start with '" + MAGIC.strip() + "')");
            }
            int at = magic.length;
            while (at < bytes.length) {
                int nl = at;
                while (nl < bytes.length && bytes[nl] != '\n') {
                    nl++;
                }
                String[] header = new String(bytes, at, nl - at, StandardCharsets.UTF_8).split(" ");
                int length = Integer.parseInt(header[1]);
                if (header.length != 2 || nl + 1 + length > bytes.length) {
                    throw new IOException("it is cut short (the apply that wrote it did not finish writing it)");
                }
                p.setProperty(header[0], new String(bytes, nl + 1, length, StandardCharsets.UTF_8));
                at = nl + 1 + length + 1;
            }
        } catch (IOException | RuntimeException e) {
            throw damaged(file, e.getMessage());
        }
        try {
            return parts(p);
        } catch (RuntimeException e) {
            throw damaged(file, "a value is not what it should be (" + e.getMessage() + ")");
        }
    }

    private static ApplyException damaged(Path file, String why) {
        return new ApplyException("cannot read the transaction journal " + file + ": " + why
                + "; an apply was interrupted and what it changed cannot be undone from this file. Check the host"
                + " (iptables-save, ip6tables-save, nft list ruleset, ip -d link), put back by hand what should"
                + " not be there, then delete " + file + " to let apply, --down and status go on");
    }

    /** The journal's parts from its keys and values. */
    private static Journal parts(Properties p) {
        Map<String, Xt> xt = new LinkedHashMap<>();
        for (String tool : list(p.getProperty("families", ""))) {
            xt.put(tool, new Xt(p.getProperty("save." + tool, ""), new LinkedHashSet<>(list(p.getProperty("written." + tool, "")))));
        }
        Map<String, String> nft = new LinkedHashMap<>();
        for (String t : list(p.getProperty("nft-tables", ""))) {
            nft.put(t, p.getProperty("nft." + t));
        }
        Map<String, Links.Owned> before = new LinkedHashMap<>();
        for (String line : p.getProperty("links.before", "").split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                before.put(f[0], new Links.Owned(f[1], f[0], Boolean.parseBoolean(f[2])));
            }
        }
        Map<String, Links.Attrs> attrs = new LinkedHashMap<>();
        for (String line : p.getProperty("links.attrs", "").split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 5) {
                attrs.put(f[0], new Links.Attrs(Integer.parseInt(f[1]), f[2].equals("-") ? null : f[2],
                        f[3].isEmpty() ? List.of() : List.of(f[3].split(" ")), Boolean.parseBoolean(f[4])));
            }
        }
        Map<String, String> record = new LinkedHashMap<>();
        for (String name : list(p.getProperty("record-files", ""))) {
            record.put(name, p.getProperty("record." + name, ""));
        }
        Journal j = new Journal(p.getProperty("what", "apply"), Long.parseLong(p.getProperty("pid", "0")),
                p.getProperty("time", "?"), xt, nft, Boolean.parseBoolean(p.getProperty("links", "false")), before,
                attrs, p.getProperty("links.script", ""), record);
        Map<String, List<String>> routes = new LinkedHashMap<>();
        for (String line : p.getProperty("links.routes", "").split("\n")) {
            String[] f = line.split("\t");
            if (f.length > 1) {
                routes.put(f[0], List.of(f).subList(1, f.length));
            }
        }
        j.routesBack = routes;
        j.creating = new LinkedHashSet<>(list(p.getProperty("links.creating", "")));
        j.owner = p.getProperty("owner", "");
        if (!j.owner.matches("[0-9a-f]{16}|")) {
            throw new IllegalArgumentException("owner '" + j.owner + "'");
        }
        return j;
    }

    /** Removes the journal: the transaction is over (done and recorded, or rolled back). */
    static void remove(Path dir) throws ApplyException {
        try {
            Files.deleteIfExists(dir.resolve(FILE));
            syncDirectory(dir);
        } catch (IOException e) {
            throw new ApplyException("cannot remove the transaction journal " + dir.resolve(FILE) + ": " + e.getMessage());
        }
    }

    private static List<String> list(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be synced; the rename is atomic regardless.
        }
    }
}
