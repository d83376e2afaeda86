package dev.netpolc.cli.apply;

import dev.netpolc.backend.RenderOptions;
import dev.netpolc.backend.iplink.HostPlan;
import dev.netpolc.backend.iplink.IplinkBackend;
import dev.netpolc.backend.iptables.IptablesBackend;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.cli.apply.Xtables.Table;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Layout;
import dev.netpolc.ir.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code netpolc apply}, {@code apply --down}, {@code apply --confirmed} and {@code status}: a
 * policy applied to one network namespace as a transaction. The steps, in order: take the lock;
 * snapshot the firewall; compute the new state and the plan; load the firewall (one
 * {@code iptables-restore -w} per address family, or one {@code nft -f}); read it back and
 * compare with what was meant; build the links; write the record. Any failure restores the
 * snapshot and says what failed. See docs/apply.md.
 */
public final class Apply {

    /** Exit codes: 0 done (or in sync), 1 drifted (status), 3 failed (nothing changed, or restored). */
    public static final int OK = 0;
    public static final int DRIFTED = 1;
    public static final int FAILED = 3;
    /** The command line asks for something the policy rules out (as compile's exit code 2). */
    public static final int USAGE = 2;

    /** The firewall apply writes. */
    public enum Firewall {
        IPTABLES,
        NFTABLES;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What to do. {@code policy} may be null only for --down (which then works from the record);
     * {@code layout} null keeps the policy's; {@code confirmSeconds} null applies for good.
     */
    public record Options(String policyName, Policy policy, Firewall firewall, Layout layout, String netns, boolean dryRun,
            Integer confirmSeconds, Path stateDir, boolean firewallOnly, String netnsPrefix, String node) {

        /** The same options with {@code firewall} as the backend. */
        Options withFirewall(Firewall f) {
            return new Options(policyName, policy, f, layout, netns, dryRun, confirmSeconds, stateDir, firewallOnly,
                    netnsPrefix, node);
        }
    }

    /** Whether an apply of this process registered a shutdown hook (the rollback of --confirm). */
    private static volatile boolean shutdownHook;

    /**
     * Whether this process must end through the JVM's exit sequence: an apply with
     * {@code --confirm} registered a shutdown hook, which may be rolling back at this moment.
     */
    public static boolean hookRegistered() {
        return shutdownHook;
    }

    /** Test hook (system property {@code netpolc.apply.fault}): "reject" or "verify" injects that failure. */
    static final String FAULT = "netpolc.apply.fault";

    /**
     * Test hook (system property {@code netpolc.apply.pause}): at the step of that name apply
     * writes {@code paused} (the step and its pid) to the state directory and sleeps, so that a
     * test can kill it there. The steps, in order, are {@link #STEPS}.
     */
    static final String PAUSE = "netpolc.apply.pause";

    /** Where apply may be paused (and killed): after each of these steps. */
    public static final List<String> STEPS = List.of("journal", "iptables", "ip6tables", "nftables", "links-removed",
            "links", "record");

    private Options o;
    /**
     * A dry run found an interrupted apply's journal: the namespace holds what that apply wrote
     * and did not record, which a real apply rolls back before it looks.
     */
    private boolean journalPending;
    private final PrintStream err;
    private final Host host;
    private final StateStore store;
    /**
     * The identity in the marks of what this state directory's applies created ({@link
     * StateStore#owner}): "" for a state directory from before owners, null when there is none yet
     * (then nothing marked is this apply's).
     */
    private String owner;

    /**
     * The backend apply writes when the command line names none: the one recorded by the last
     * apply to this namespace, else iptables. Switching needs --backend, and the plan says so.
     */
    private void defaultBackend() throws ApplyException {
        if (o.firewall() == null) {
            Properties record = store.record();
            o = o.withFirewall(record != null && "nftables".equals(record.getProperty("backend"))
                    ? Firewall.NFTABLES : Firewall.IPTABLES);
        }
    }

    private Apply(Options o, PrintStream err) throws ApplyException {
        this.o = o;
        this.err = err;
        this.host = Host.of(o.netns(), o.netnsPrefix());
        this.store = new StateStore(o.stateDir(), o.netns());
    }

    // ---- the intent ----

    /** The compiled state a policy asks for. */
    private record Intent(Firewall firewall, Layout layout, String prefix, String nftTable, String ipv4, String ipv6,
            String nft, String links, HostPlan plan, String digest) {}

    /**
     * Renders what {@code firewall} needs (and the links unless {@code firewallOnly}); the rest
     * stays "". The digest covers exactly what was rendered.
     */
    private static Intent intent(Policy policy, Firewall firewall, Layout layoutOption, boolean firewallOnly, String node)
            throws ApplyException {
        if (!policy.nodes().isEmpty() && node == null) {
            List<String> names = policy.nodes().stream().map(dev.netpolc.ir.Node::name).toList();
            throw ApplyException.usage("the policy declares nodes (" + String.join(", ", names) + "), each a host of"
                    + " its own; say which one this host is with --node NAME, for example --node " + names.get(0));
        }
        Layout layout = layoutOption != null ? layoutOption : policy.settings().layout();
        RenderOptions ro = new RenderOptions(false, node, layout);
        boolean xt = firewall == Firewall.IPTABLES;
        String ipv4 = xt ? new IptablesBackend(Family.IPV4).render(policy, ro) : "";
        String ipv6 = xt ? new IptablesBackend(Family.IPV6).render(policy, ro) : "";
        String nft = xt ? "" : new NftablesBackend().render(policy, ro);
        String links = firewallOnly ? "" : new IplinkBackend(IplinkBackend.Script.BATCH).render(policy, ro);
        HostPlan plan = firewallOnly ? null : HostPlan.of(policy, node, s -> s);
        // The policy is what it says, not how its path was spelled: the scripts' header line names
        // the file as given (policies/x.net, ./x.net, /abs/x.net, a symlink), so it is left out.
        String digest = sha256(firewall.keyword() + "\n" + layout.keyword() + "\n" + ipv4 + ipv6 + nft
                + withoutHeader(links));
        return new Intent(firewall, layout, policy.settings().chainPrefix(), policy.settings().nftTable(), ipv4, ipv6, nft,
                links, plan, digest);
    }

    /** A link script without its first two lines ("#!/bin/sh" and "# netpolc ... for POLICY"). */
    static String withoutHeader(String script) {
        int first = script.indexOf('\n');
        int second = first < 0 ? -1 : script.indexOf('\n', first + 1);
        return second < 0 ? script : script.substring(second + 1);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- entry points ----

    /** {@code netpolc apply}: returns the exit code. */
    public static int apply(Options o, InputStream in, PrintStream out, PrintStream err) {
        try {
            Apply a = new Apply(o, err);
            try (StateStore s = a.store) {
                if (o.dryRun()) {
                    s.readOnly();
                }
                s.check();
                if (!o.dryRun()) {
                    s.lock(StateStore.namespaceKey(o.netns()));
                    // The rollback first, with the owner its journal names; then the owner and the
                    // recorded backend, from the state as the rollback left it.
                    a.recover("apply");
                } else if (Journal.read(s.dir()) != null) {
                    a.journalPending = true;
                    err.println("netpolc: apply: an interrupted apply left its journal in " + s.dir() + "; a real"
                            + " apply rolls that back first. The plan below is from the namespace as it is now");
                }
                // A dry run makes no owner: with none, nothing marked is this apply's.
                a.owner = s.owner(!o.dryRun());
                a.defaultBackend();
                return a.run(in, out);
            }
        } catch (ApplyException e) {
            err.println("netpolc: apply: " + e.getMessage());
            return e.isUsage() ? USAGE : FAILED;
        }
    }

    /** {@code netpolc apply --down}. */
    public static int down(Options o, PrintStream out, PrintStream err) {
        try {
            Apply a = new Apply(o, err);
            try (StateStore s = a.store) {
                if (o.dryRun()) {
                    s.readOnly();
                }
                s.check();
                if (!o.dryRun()) {
                    s.lock(StateStore.namespaceKey(o.netns()));
                    a.recover("apply --down");
                }
                a.owner = s.owner(false);
                return a.runDown(out);
            }
        } catch (ApplyException e) {
            err.println("netpolc: apply --down: " + e.getMessage());
            return e.isUsage() ? USAGE : FAILED;
        }
    }

    /** {@code netpolc status}. */
    public static int status(Options o, PrintStream out, PrintStream err) {
        try {
            Apply a = new Apply(o, err);
            try (StateStore s = a.store) {
                if (!s.has(Journal.FILE)) {
                    s.readOnly();
                }
                s.check();
                if (Journal.read(s.dir()) != null) {
                    s.lock(StateStore.namespaceKey(o.netns()));
                    a.recover("status");
                }
                a.owner = s.owner(false);
                return a.runStatus(out);
            }
        } catch (ApplyException e) {
            err.println("netpolc: status: " + e.getMessage());
            return e.isUsage() ? USAGE : FAILED;
        }
    }

    /** {@code netpolc apply --confirmed}: tells a waiting {@code apply --confirm} to keep its state. */
    public static int confirmed(Options o, PrintStream out, PrintStream err) {
        try {
            Apply a = new Apply(o, err);
            Path pending = a.store.file("pending");
            a.store.check();
            if (!a.store.has("pending")) {
                err.println("netpolc: apply --confirmed: no apply --confirm is waiting on " + a.host.describe()
                        + " (no " + pending + ")");
                return FAILED;
            }
            a.store.put("confirmed", ProcessHandle.current().pid() + "\n");
            out.println("netpolc: confirmed; the apply waiting on " + a.host.describe() + " keeps its state");
            return OK;
        } catch (ApplyException e) {
            err.println("netpolc: apply --confirmed: " + e.getMessage());
            return e.isUsage() ? USAGE : FAILED;
        }
    }

    /**
     * Refuses when a user chain the policy is to write exists already and no apply of this state
     * directory wrote it ({@code recorded}: the recorded scripts): Docker's own chains on a host
     * where Docker runs, another apply's, or leftovers. Its name alone does not make it netpolc's.
     */
    private static void refuseChainsNotMade(Snapshot snap, Map<String, Map<String, Table>> intended,
            List<Map<String, Table>> recorded) throws ApplyException {
        List<String> taken = new ArrayList<>();
        for (var family : intended.entrySet()) {
            Map<String, Table> saved = snap.xtables.getOrDefault(family.getKey(), Map.of());
            for (Table t : family.getValue().values()) {
                Table s = saved.get(t.name);
                for (Xtables.Chain c : t.chains.values()) {
                    if (c.builtin() || s == null || !s.chains.containsKey(c.name())) {
                        continue;
                    }
                    boolean made = false;
                    for (Map<String, Table> script : recorded) {
                        Table r = script.get(t.name);
                        made |= r != null && r.chains.containsKey(c.name());
                    }
                    if (!made) {
                        taken.add(family.getKey() + " " + t.name + " " + c.name());
                    }
                }
            }
        }
        if (!taken.isEmpty()) {
            throw new ApplyException("the policy writes chains that exist already and that no apply of this state"
                    + " directory made: " + String.join(", ", taken.subList(0, Math.min(8, taken.size())))
                    + (taken.size() > 8 ? " and " + (taken.size() - 8) + " more" : "") + ". netpolc replaces only its"
                    + " own chains. If they are another tool's (Docker's, on a host where Docker runs), do not apply"
                    + " there, or give the policy another 'chain-prefix'; if another state directory's apply made"
                    + " them, use that one (--state-dir); if they are left over, delete them ('iptables -F CHAIN;"
                    + " iptables -X CHAIN' and the rules that jump to them)");
        }
    }

    /** The tables of a recorded iptables script; a damaged one is refused with the way out. */
    private Map<String, Table> recorded(String name) throws ApplyException {
        String text = store.applied(name);
        try {
            return Xtables.parse(text);
        } catch (RuntimeException e) {
            throw new ApplyException("the state file " + store.file(name) + " is damaged (it is not what iptables-save"
                    + " prints: " + e + "). Put it back, or delete the record's files (" + store.dir()
                    + "/record.properties and " + store.dir() + "/applied.*) and apply again: apply then works from"
                    + " the namespace as it finds it");
        }
    }

    // ---- the journal ----

    /**
     * Rolls back the transaction of an apply that was killed half way, if its journal is there:
     * the iptables tables it was writing, netpolc's nftables tables, its links and the record go
     * back to what the journal holds. The caller holds the lock.
     */
    private void recover(String command) throws ApplyException {
        Journal j = Journal.read(store.dir());
        if (j == null) {
            return;
        }
        err.println("netpolc: " + command + ": " + j.what + " (process " + j.pid + ", started " + j.time + ") did not"
                + " finish; rolling " + host.describe() + " back to the state before it, from its journal "
                + store.file(Journal.FILE));
        List<String> undone = new ArrayList<>();
        try {
            for (var e : j.xtables.entrySet()) {
                if (restoreSnapshot(e.getKey(), Xtables.parse(e.getValue().save()), e.getValue().written(), true)) {
                    undone.add(e.getKey() + " tables " + String.join(", ", e.getValue().written()));
                }
            }
            for (var e : j.nft.entrySet()) {
                String now = Host.has("nft") ? nftTable(e.getKey()) : null;
                if (!java.util.Objects.equals(now, e.getValue())) {
                    nftPut(e.getKey(), e.getValue());
                    undone.add("nftables table inet " + e.getKey());
                }
            }
            if (j.links) {
                Links.restore(host, j.linksBefore, j.attrsBefore, j.linkScript, j.owner, j.creating);
                Links.routesRestore(host, j.routesBack);
                undone.add("links");
            }
            store.restoreFiles(j.record);
        } catch (ApplyException e) {
            throw new ApplyException("ROLLBACK FAILED of the interrupted " + j.what + ": " + e.getMessage() + "; its"
                    + " journal stays in " + store.dir() + ", and the next apply, apply --down or status tries again");
        }
        Journal.remove(store.dir());
        err.println("netpolc: " + command + ": rolled back the interrupted " + j.what + " ("
                + (undone.isEmpty() ? "it had changed nothing yet" : String.join("; ", undone) + " put back") + ")");
    }

    /** The test hook {@link #PAUSE}: stops here for good when the property names this step. */
    private void pause(String step) {
        if (!step.equals(System.getProperty(PAUSE))) {
            return;
        }
        try {
            store.put("paused", step + " " + ProcessHandle.current().pid() + "\n");
            while (true) {
                Thread.sleep(60_000);
            }
        } catch (ApplyException | InterruptedException e) {
            throw new IllegalStateException("pause at " + step + " interrupted", e);
        }
    }

    // ---- the snapshot and the new state ----

    /** What the namespace holds before apply changes anything. */
    private final class Snapshot {
        final Map<String, Map<String, Table>> xtables = new LinkedHashMap<>();
        final Map<String, String> xtablesText = new LinkedHashMap<>();
        /** Our nft tables (by name) as listed, null for a table that is not there. */
        final Map<String, String> nft = new LinkedHashMap<>();

        /**
         * Reads the firewall: iptables-save and ip6tables-save, and each nft table, all at the same
         * time (none of them changes anything, and each waits mostly on the kernel).
         */
        Snapshot(Set<String> nftTables, boolean needXtables) throws ApplyException {
            Map<String, Task<Host.Result>> saves = new LinkedHashMap<>();
            for (String tool : List.of("iptables", "ip6tables")) {
                if (!Host.has(tool + "-save")) {
                    if (needXtables) {
                        throw new ApplyException(tool + "-save is not installed; the iptables backend needs the"
                                + " iptables package");
                    }
                    continue;
                }
                saves.put(tool, Task.start(tool + "-save", () -> host.run(null, tool + "-save", "-c")));
            }
            Map<String, Task<String>> lists = new LinkedHashMap<>();
            if (Host.has("nft")) {
                for (String t : nftTables) {
                    lists.put(t, Task.start("nft-list", () -> nftTable(t)));
                }
            } else if (o.firewall() == Firewall.NFTABLES) {
                throw new ApplyException("nft is not installed; the nftables backend needs the nftables package");
            }
            for (var e : saves.entrySet()) {
                Host.Result r = e.getValue().get();
                if (!r.ok()) {
                    throw new ApplyException("cannot read the firewall with " + e.getKey() + "-save: " + r.reason());
                }
                xtablesText.put(e.getKey(), r.out());
                xtables.put(e.getKey(), Xtables.parse(r.out()));
            }
            for (var e : lists.entrySet()) {
                nft.put(e.getKey(), e.getValue().get());
            }
        }
    }

    private String nftTable(String name) throws ApplyException {
        Host.Result r = host.run(null, "nft", "list", "table", "inet", name);
        if (r.ok()) {
            return r.out();
        }
        if (r.err().contains("No such file") || r.err().contains("does not exist")) {
            return null;
        }
        throw new ApplyException("cannot list nftables table inet " + name + ": " + r.reason());
    }

    /**
     * How the kernel lists {@code script}'s table: the listing the last apply verified, when it
     * loaded the same script with the same nft on the same kernel, else loaded into a scratch
     * namespace of its own (half a second for a thousand networks: loading, and above all listing
     * the sets' elements, which nft takes longer over than over loading them).
     */
    private String nftExpected(String script, String table) throws ApplyException {
        Properties record = store.record();
        String listing = store.applied(NFT_LISTING);
        if (record != null && !listing.isEmpty() && nftKey().equals(record.getProperty("nft-listing-of"))
                && script.equals(store.applied("applied.nftables"))) {
            return listing;
        }
        return nftCanonical(script, table);
    }

    /** The record file with the listing the last apply verified ({@link #nftExpected}). */
    static final String NFT_LISTING = "applied.nftables.listing";

    private String nftKey;

    /** What a listing depends on besides the script: nft's version and the kernel's release. */
    private String nftKey() throws ApplyException {
        if (nftKey == null) {
            Host.Result r = Host.local(null, List.of("nft", "--version"));
            nftKey = r.out().strip() + "; kernel " + System.getProperty("os.version");
        }
        return nftKey;
    }

    /** How the kernel lists {@code script}'s table: loaded into a scratch namespace of its own. */
    private static String nftCanonical(String script, String table) throws ApplyException {
        Host.Result r = Host.local(script, List.of("unshare", "--net", "sh", "-c",
                "nft -f - && nft list table inet " + table));
        if (!r.ok()) {
            throw new ApplyException("nft refused the compiled ruleset in a scratch namespace: " + r.reason());
        }
        return r.out();
    }

    /** One change apply made, and how to take it back. */
    private interface Undo {
        void undo() throws ApplyException;
    }

    private record Step(String what, Undo undo) {}

    private final List<Step> done = new ArrayList<>();

    /** How long each step took, for the summary line: step name to milliseconds. */
    private final Map<String, Long> timings = new LinkedHashMap<>();
    private long lap = System.nanoTime();

    private void timed(String step) {
        long now = System.nanoTime();
        timings.merge(step, (now - lap) / 1_000_000, Long::sum);
        lap = now;
    }

    private String timingSummary() {
        List<String> parts = new ArrayList<>();
        timings.forEach((k, v) -> parts.add(k + " " + v + " ms"));
        return String.join(", ", parts);
    }

    // ---- apply ----

    private int run(InputStream in, PrintStream out) throws ApplyException {
        Properties record = store.record();
        Set<String> tables = new LinkedHashSet<>(List.of(o.policy().settings().nftTable()));
        if (record != null) {
            tables.add(record.getProperty("nft-table", o.policy().settings().nftTable()));
        }
        // What the namespace holds is read while the policy is rendered: the reads change nothing,
        // and they wait mostly on the kernel and on other processes, the rendering on this one.
        Task<Snapshot> snapTask = Task.start("snapshot", () -> new Snapshot(tables, o.firewall() == Firewall.IPTABLES));
        Task<Links.Scan> scanTask = o.firewallOnly() ? Task.done(Links.Scan.NONE)
                : Task.start("links", () -> Links.scan(host, owner));
        Task<Map<String, Links.Attrs>> attrsTask = o.firewallOnly() ? Task.done(Map.of())
                : Task.start("attrs", () -> Links.attrs(host));
        Intent intent = intent(o.policy(), o.firewall(), o.layout(), o.firewallOnly(), o.node());
        // How the kernel lists the compiled nft table (from a scratch namespace), also alongside.
        Task<String> nftCanonicalTask = o.firewall() == Firewall.NFTABLES
                ? Task.start("nft-canonical", () -> nftExpected(intent.nft(), intent.nftTable()))
                : Task.done(null);
        timed("render");
        Set<String> prefixes = new LinkedHashSet<>(List.of(intent.prefix()));
        List<Map<String, Table>> known = new ArrayList<>();
        if (record != null) {
            prefixes.add(record.getProperty("prefix", intent.prefix()));
            known.add(recorded("applied.iptables"));
            known.add(recorded("applied.ip6tables"));
        }
        Map<String, Map<String, Table>> intended = new LinkedHashMap<>();
        intended.put("iptables", o.firewall() == Firewall.IPTABLES ? Xtables.parse(intent.ipv4()) : Map.of());
        intended.put("ip6tables", o.firewall() == Firewall.IPTABLES ? Xtables.parse(intent.ipv6()) : Map.of());
        intended.values().forEach(known::add);
        IptablesState own = new IptablesState(prefixes, known);
        Snapshot snap = snapTask.get();
        timed("snapshot");
        if (!journalPending) {
            refuseChainsNotMade(snap, intended, record == null ? List.of() : known.subList(0, 2));
        }
        boolean forwardPolicy = intent.layout() == Layout.DOCKER;

        List<String> plan = new ArrayList<>();
        Map<String, Map<String, Table>> merged = new LinkedHashMap<>();
        for (String tool : snap.xtables.keySet()) {
            List<String> p = own.plan(tool, snap.xtables.get(tool), intended.get(tool), forwardPolicy);
            plan.addAll(p);
            if (!p.isEmpty()) {
                merged.put(tool, own.merge(snap.xtables.get(tool), intended.get(tool), forwardPolicy));
            }
        }
        // Switching from iptables: what netpolc's first apply found there comes back, as with
        // --down (the FORWARD policy it had, the tables it did not have).
        String recorded = record == null ? null : record.getProperty("backend", "iptables");
        Map<String, Set<String>> dropped = Map.of();
        if (recorded != null && !recorded.equals(o.firewall().keyword())) {
            plan.add(0, "~ switch backend: " + recorded + " -> " + o.firewall().keyword() + " (as --backend says)");
            if (recorded.equals("iptables")) {
                dropped = leftovers(record, snap, merged, plan);
            }
        }
        String nftExpected = null;
        List<String> nftRemove = new ArrayList<>();
        // The nft table that is this state directory's: the one its last apply wrote with nftables.
        // Another of the same name (another tool's, another apply's) is never replaced or deleted.
        String ownTable = "nftables".equals(recorded) ? record.getProperty("nft-table") : null;
        for (String t : tables) {
            boolean ours = o.firewall() == Firewall.NFTABLES && t.equals(intent.nftTable());
            if (!ours && snap.nft.get(t) != null && t.equals(ownTable)) {
                nftRemove.add(t);
                plan.add("- nftables: table inet " + t);
            }
        }
        if (o.firewall() == Firewall.NFTABLES && snap.nft.get(intent.nftTable()) != null
                && !intent.nftTable().equals(ownTable)) {
            throw new ApplyException("the nftables table inet " + intent.nftTable() + " exists, and no apply of this"
                    + " state directory made it (another tool's, or another apply's); netpolc replaces only its own"
                    + " table. Give the policy another with 'settings { nft-table NAME }', or, if it is left over,"
                    + " delete it ('nft delete table inet " + intent.nftTable() + "')");
        }
        if (o.firewall() == Firewall.NFTABLES) {
            nftExpected = nftCanonicalTask.get();
            plan.addAll(lineDiff("nftables inet " + intent.nftTable() + ": ", snap.nft.get(intent.nftTable()),
                    nftExpected));
        }
        Map<String, Links.Owned> declared = o.firewallOnly() ? Map.of()
                : Links.declared(intent.plan(), host.containerPrefix());
        Links.Scan scan = scanTask.get();
        err.print(Links.unreadableWarning(scan.checkDeclared(declared)));
        scan.checkNotTaken(declared);
        Map<String, Links.Owned> present = scan.present();
        Map<String, Links.Attrs> attrs = attrsTask.get();
        List<String[]> repairs = o.firewallOnly() ? List.of()
                : Links.repairs(present, declared, Links.wanted(intent.plan()), attrs);
        List<Links.InsideRepair> inside = o.firewallOnly() ? List.of()
                : Links.insideRepairs(intent.plan(), host.containerPrefix(), present, scan.inside());
        boolean linkChanges = false;
        // Whether the setup script runs: it creates what is missing and sets the sysctls; MTU,
        // master, addresses and routes of what is there are repaired with 'ip -batch' lines.
        boolean setup = false;
        // Host ends of veth pairs whose namespace is to be made: their container ends are gone with
        // the namespace, or live on in one renamed by hand, so they go and the setup makes them anew.
        Map<String, Links.Owned> orphans = o.firewallOnly() ? Map.of() : Links.orphans(intent.plan(), present);
        Map<String, Links.Owned> keep = new LinkedHashMap<>(declared);
        keep.keySet().removeAll(orphans.keySet());
        if (!o.firewallOnly()) {
            int before = plan.size();
            List<String> create = Links.plan(present, declared);
            orphans.values().forEach(v -> create.add("~ " + v.describe() + ": its container namespace is made"
                    + " again, so the pair is made anew"));
            List<String> sysctls = sysctlPlan(intent.plan());
            plan.addAll(create);
            repairs.forEach(r -> plan.add(r[0]));
            inside.forEach(r -> plan.add(r.plan()));
            plan.addAll(sysctls);
            linkChanges = plan.size() > before;
            setup = !create.isEmpty() || !sysctls.isEmpty()
                    || inside.stream().anyMatch(r -> r.netns() == null || r.line() == null);
        }

        timed("plan");
        PrintStream planOut = o.dryRun() ? out : err;
        printPlan(planOut, plan, intent);
        if (o.dryRun()) {
            return OK;
        }
        String previousLinks = store.applied("applied.iplink");
        Map<String, Links.Attrs> attrsBefore = hostAttrs(present, attrs);
        attrsBefore.putAll(Links.insideBefore(inside, scan.inside()));
        Map<String, List<String>> routesBack = Links.routesBack(inside, scan.inside());
        Set<String> creating = new LinkedHashSet<>();
        declared.values().stream().filter(d -> d.netns() && !present.containsKey(d.mark()))
                .forEach(d -> creating.add(d.name()));
        if (!plan.isEmpty()) {
            // Nothing to change, nothing to roll back: the firewall is not written and the link
            // script finds everything there; only the record is rewritten (atomically).
            journal("apply " + o.policyName(), snap, written(merged, dropped), !o.firewallOnly(), present, attrsBefore,
                    previousLinks, routesBack, creating);
        }
        pause("journal");
        try {
            writeXtables(snap, merged, dropped);
            pause("iptables");
            pause("ip6tables");
            for (String t : nftRemove) {
                String before = snap.nft.get(t);
                nft("table inet " + t + "\ndelete table inet " + t + "\n", "removing table inet " + t);
                done.add(new Step("nftables table inet " + t + " removed", () -> nftPut(t, before)));
            }
            if (o.firewall() == Firewall.NFTABLES && !lineDiff("", snap.nft.get(intent.nftTable()), nftExpected).isEmpty()) {
                loadNft(intent, snap.nft.get(intent.nftTable()), nftExpected);
            }
            pause("nftables");
            timed("firewall");
            if (linkChanges) {
                // Undoing the links: delete what is marked now and was not before, run the setup
                // script of the last apply again when that recreates what this apply deleted, and
                // set the MTU, master and addresses back.
                done.add(new Step("links", () -> {
                    Links.restore(host, present, attrsBefore, previousLinks, owner, creating);
                    Links.routesRestore(host, routesBack);
                }));
                // Stale links first: a container that moved to another network gets its interface name back.
                Links.removeStale(host, present, keep, owner);
                Links.repairInside(host, inside, true);
                pause("links-removed");
                if (setup) {
                    Links.setup(host, intent.links(), owner);
                }
                Links.batch(host, repairs.stream().map(r -> r[1]).toList(), "repair the links");
                Links.repairInside(host, inside, false);
                timed("links");
            } else {
                // Nothing of the links to change (the plan compared every owned link, namespace and
                // sysctl): the setup script, which reads every container namespace, is not run.
                pause("links-removed");
            }
            pause("links");
            Properties r = new Properties();
            r.setProperty("policy", o.policyName());
            r.setProperty("digest", intent.digest());
            r.setProperty("time", Instant.now().toString());
            r.setProperty("backend", intent.firewall().keyword());
            r.setProperty("layout", intent.layout().keyword());
            r.setProperty("prefix", intent.prefix());
            r.setProperty("nft-table", intent.nftTable());
            Map<String, String> files = new LinkedHashMap<>();
            files.put("applied.iptables", o.firewall() == Firewall.IPTABLES ? intent.ipv4() : "");
            files.put("applied.ip6tables", o.firewall() == Firewall.IPTABLES ? intent.ipv6() : "");
            files.put("applied.nftables", o.firewall() == Firewall.NFTABLES ? intent.nft() : "");
            files.put(NFT_LISTING, nftExpected != null ? nftExpected : "");
            if (nftExpected != null) {
                r.setProperty("nft-listing-of", nftKey());
            }
            files.put("applied.iplink", o.firewallOnly() ? previousLinks : intent.links());
            r.setProperty("firewall-only", Boolean.toString(o.firewallOnly()));
            if (o.node() != null) {
                r.setProperty("node", o.node());
            }
            // The sysctls the applies of this state directory turned on, with the value each had
            // before the first of them did, for --down.
            if (record != null) {
                record.stringPropertyNames().stream().filter(k -> k.startsWith(SYSCTL_BEFORE))
                        .forEach(k -> r.setProperty(k, record.getProperty(k)));
            }
            if (setup) {
                sysctlsBefore.forEach((path, value) -> r.putIfAbsent(SYSCTL_BEFORE + path, value));
            }
            // What netpolc's first apply found, so that --down can leave the tables as they were.
            for (String tool : snap.xtables.keySet()) {
                String had = record != null ? record.getProperty("tables-before." + tool) : null;
                String fwd = record != null ? record.getProperty("forward-before." + tool) : null;
                if (record == null) {
                    had = String.join(",", snap.xtables.get(tool).keySet());
                    Table f = snap.xtables.get(tool).get("filter");
                    fwd = f != null && f.chains.containsKey("FORWARD") ? f.chains.get("FORWARD").policy() : "ACCEPT";
                }
                if (had != null) {
                    r.setProperty("tables-before." + tool, had);
                }
                if (fwd != null) {
                    r.setProperty("forward-before." + tool, fwd);
                }
            }
            if (o.confirmSeconds() != null) {
                // Whoever decides first (the wait, or a signal such as the SIGHUP of a dropped SSH
                // session, which runs the shutdown hook) keeps or rolls back; the other does nothing.
                java.util.concurrent.atomic.AtomicBoolean decided = new java.util.concurrent.atomic.AtomicBoolean();
                Thread hook = new Thread(() -> {
                    if (decided.compareAndSet(false, true)) {
                        rollBack("interrupted while waiting for the confirmation");
                        try {
                            Files.deleteIfExists(store.file("pending"));
                        } catch (IOException e) {
                            // a stale marker only makes a later --confirmed say it confirmed nothing useful
                        }
                    }
                });
                shutdownHook = true;
                Runtime.getRuntime().addShutdownHook(hook);
                boolean kept = awaitConfirmation(in);
                if (!decided.compareAndSet(false, true)) {
                    return FAILED;
                }
                Runtime.getRuntime().removeShutdownHook(hook);
                if (!kept) {
                    rollBack("no confirmation within " + o.confirmSeconds() + " s");
                    return FAILED;
                }
            }
            store.write(r, files);
            pause("record");
        } catch (ApplyException e) {
            rollBack(e.getMessage());
            return FAILED;
        }
        Journal.remove(store.dir());
        timed("record");
        err.println("netpolc: applied " + o.policyName() + " to " + host.describe() + " (" + plan.size() + " change"
                + (plan.size() == 1 ? "" : "s") + "; " + timingSummary() + ")");
        return OK;
    }

    /** Set when a rollback failed: the journal stays, for the next apply to try again. */
    private boolean keepJournal;

    /** Writes the journal of this transaction before its first change. */
    private void journal(String what, Snapshot snap, Map<String, Set<String>> written, boolean links,
            Map<String, Links.Owned> present, Map<String, Links.Attrs> attrsBefore, String previousLinks,
            Map<String, List<String>> routesBack, Set<String> creating) throws ApplyException {
        Map<String, Journal.Xt> xt = new LinkedHashMap<>();
        written.forEach((tool, tables) -> xt.put(tool, new Journal.Xt(snap.xtablesText.get(tool), tables)));
        Journal j = new Journal(what, ProcessHandle.current().pid(), Instant.now().toString(), xt, snap.nft, links,
                links ? present : Map.of(), links ? attrsBefore : Map.of(), links ? previousLinks : "",
                store.recordFiles());
        j.routesBack = links ? routesBack : Map.of();
        j.creating = links ? creating : Set.of();
        j.owner = owner == null ? "" : owner;
        j.write(store);
    }

    /** Per family, the tables a transaction writes ({@code merged}) or deletes ({@code dropped}). */
    private static Map<String, Set<String>> written(Map<String, Map<String, Table>> merged,
            Map<String, Set<String>> dropped) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        merged.forEach((tool, tables) -> out.computeIfAbsent(tool, k -> new LinkedHashSet<>()).addAll(tables.keySet()));
        dropped.forEach((tool, tables) -> out.computeIfAbsent(tool, k -> new LinkedHashSet<>()).addAll(tables));
        return out;
    }

    private final Map<String, Boolean> nfTables = new java.util.HashMap<>();

    /** Whether {@code tool} (iptables, ip6tables) is iptables-nft, whose tables nft can delete. */
    private boolean nfTables(String tool) throws ApplyException {
        Boolean b = nfTables.get(tool);
        if (b == null) {
            b = host.run(null, tool, "-V").out().contains("nf_tables") && Host.has("nft");
            nfTables.put(tool, b);
        }
        return b;
    }

    /** A table with nothing in it: no rules, no user chains, every built-in chain accepting. */
    private static boolean empty(Table t) {
        return t.rules.isEmpty() && t.chains.values().stream().allMatch(c -> c.builtin() && c.policy().equals("ACCEPT"));
    }

    /** The attributes of the owned host links in {@code present}. */
    private static Map<String, Links.Attrs> hostAttrs(Map<String, Links.Owned> present, Map<String, Links.Attrs> attrs) {
        Map<String, Links.Attrs> out = new LinkedHashMap<>();
        present.values().stream().filter(l -> !l.netns() && attrs.containsKey(l.name()))
                .forEach(l -> out.put(l.name(), attrs.get(l.name())));
        return out;
    }

    /** Restores the snapshot of every step done, newest first, and says what failed and what the host holds. */
    private void rollBack(String reason) {
        err.println("netpolc: apply: " + reason);
        List<String> failures = new ArrayList<>();
        for (int k = done.size() - 1; k >= 0; k--) {
            try {
                done.get(k).undo().undo();
            } catch (ApplyException e) {
                failures.add(done.get(k).what() + ": " + e.getMessage());
            }
        }
        if (done.isEmpty()) {
            err.println("netpolc: apply: nothing had been changed; " + host.describe() + " is as before");
        } else if (failures.isEmpty()) {
            err.println("netpolc: apply: restored " + host.describe() + " as it was before ("
                    + String.join("; ", done.stream().map(Step::what).toList()) + " undone)");
        } else {
            keepJournal = true;
            err.println("netpolc: apply: ROLLBACK FAILED, the namespace may be half changed: " + String.join("; ", failures)
                    + "; the journal stays in " + store.dir() + ", and the next apply, apply --down or status tries"
                    + " to roll back again");
        }
        if (!keepJournal) {
            try {
                Journal.remove(store.dir());
            } catch (ApplyException e) {
                err.println("netpolc: apply: " + e.getMessage());
            }
        }
    }

    /**
     * Loads each family's merged tables ({@link #restore}), one family after the other, then reads
     * both back at the same time. Nothing of it overlaps a load: under iptables-nft both families'
     * tables share one nf_tables generation per namespace, so two restores at once collide
     * (iptables-nft retries, and the retried rules can come out encoded differently: native nat
     * expressions against xtables targets, the same iptables-save but another nft listing), and
     * an iptables-save that sees the generation change under it starts its read again (measured:
     * 100 ms more for 11,000 rules when the IPv4 read-back overlapped the IPv6 restore). A
     * family's rollback step is in {@link #done} before its restore starts; both read-backs are
     * waited for before a failure is thrown, so that the rollback never runs alongside one.
     */
    /**
     * Writes the merged tables of each family ({@link #restoreAll}) but those in {@code dropped},
     * which iptables-nft deletes (tables netpolc's first apply created, empty now), each undone on
     * failure.
     */
    private void writeXtables(Snapshot snap, Map<String, Map<String, Table>> merged, Map<String, Set<String>> dropped)
            throws ApplyException {
        Map<String, Map<String, Table>> writes = new LinkedHashMap<>();
        for (var e : merged.entrySet()) {
            Map<String, Table> write = new LinkedHashMap<>(e.getValue());
            write.keySet().removeAll(dropped.getOrDefault(e.getKey(), Set.of()));
            if (!write.isEmpty()) {
                writes.put(e.getKey(), write);
            }
        }
        restoreAll(snap, writes);
        for (var e : dropped.entrySet()) {
            String tool = e.getKey();
            for (String name : e.getValue()) {
                done.add(new Step(tool + " table " + name + " deleted",
                        () -> restoreSnapshot(tool, snap.xtables.get(tool), Set.of(name), false)));
                Host.Result r = host.run(null, "nft", "delete", "table", tool.equals("iptables") ? "ip" : "ip6", name);
                if (!r.ok()) {
                    throw new ApplyException("cannot delete the " + tool + " table " + name + ": " + r.reason());
                }
            }
        }
    }

    private void restoreAll(Snapshot snap, Map<String, Map<String, Table>> merged) throws ApplyException {
        for (var e : merged.entrySet()) {
            Map<String, Table> before = snap.xtables.get(e.getKey());
            Set<String> names = e.getValue().keySet();
            String tool = e.getKey();
            done.add(new Step(tool + " tables " + String.join(", ", names),
                    () -> restoreSnapshot(tool, before, names, false)));
            restore(tool, e.getValue());
        }
        List<Task<Void>> checks = new ArrayList<>();
        for (var e : merged.entrySet()) {
            checks.add(Task.start(e.getKey() + "-verify", () -> {
                verifyXtables(e.getKey(), e.getValue(), "verify".equals(System.getProperty(FAULT)));
                return null;
            }));
        }
        ApplyException failed = null;
        for (Task<Void> t : checks) {
            try {
                t.get();
            } catch (ApplyException x) {
                failed = failed == null ? x : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Loads one family's merged tables with one iptables-restore (checked by {@link #verifyXtables}). */
    private void restore(String tool, Map<String, Table> tables) throws ApplyException {
        String text = Xtables.print(tables.values(), true);
        if ("reject".equals(System.getProperty(FAULT)) && !tables.isEmpty()) {
            // A rule the kernel refuses, in the last table, after the others are committed.
            int last = text.lastIndexOf("COMMIT\n");
            text = text.substring(0, last) + "-A INPUT -j NETPOLC-FAULT-NO-SUCH-CHAIN\n" + text.substring(last);
        }
        String what = tool + " tables " + String.join(", ", tables.keySet());
        Host.Result r = host.run(text, tool + "-restore", "-w", "-c");
        if (!r.ok()) {
            throw new ApplyException(tool + "-restore refused the new " + what + ": " + r.reason());
        }
    }

    private void verifyXtables(String tool, Map<String, Table> expected, boolean fault) throws ApplyException {
        Host.Result r = host.run(null, tool + "-save");
        if (!r.ok()) {
            throw new ApplyException("cannot read back the firewall with " + tool + "-save: " + r.reason());
        }
        Map<String, Table> actual = Xtables.parse(r.out());
        for (Table t : expected.values()) {
            String want = Xtables.canonical(t) + (fault ? "-A INPUT -j NETPOLC-FAULT-EXPECTED\n" : "");
            Table a = actual.get(t.name);
            String have = a == null ? "" : Xtables.canonical(a);
            if (!want.equals(have)) {
                throw new ApplyException("verification failed: " + tool + " table " + t.name + " differs from what was"
                        + " loaded: " + firstDifference(want, have));
            }
        }
    }

    /**
     * Puts the tables {@code written} back as {@code before} holds them (a table it does not hold
     * is deleted, or emptied); with {@code onlyChanged}, only those that differ from it now.
     * Returns whether anything was written.
     */
    private boolean restoreSnapshot(String tool, Map<String, Table> before, Set<String> written, boolean onlyChanged)
            throws ApplyException {
        Map<String, Table> current = Map.of();
        if (onlyChanged) {
            Host.Result r = host.run(null, tool + "-save");
            if (!r.ok()) {
                throw new ApplyException("cannot read the firewall with " + tool + "-save: " + r.reason());
            }
            current = Xtables.parse(r.out());
        }
        List<Table> back = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (String name : written) {
            Table now = current.get(name);
            if (before.containsKey(name)) {
                if (!onlyChanged || now == null || !Xtables.canonical(now).equals(Xtables.canonical(before.get(name)))) {
                    back.add(before.get(name));
                }
            } else if (!onlyChanged || now != null) {
                created.add(name);
            }
        }
        if (back.isEmpty() && created.isEmpty()) {
            return false;
        }
        if (!back.isEmpty()) {
            Host.Result r = host.run(Xtables.print(back, true), tool + "-restore", "-w", "-c");
            if (!r.ok()) {
                throw new ApplyException(tool + "-restore refused the snapshot: " + r.reason());
            }
        }
        for (String name : created) {
            // A table that did not exist: nf_tables can delete it; legacy can only empty it.
            if (nfTables(tool)) {
                host.run(null, "nft", "delete", "table", tool.equals("iptables") ? "ip" : "ip6", name);
            } else {
                Table empty = new Table(name);
                empty.chains.putAll(Xtables.parse(emptyTable(name)).get(name).chains);
                host.run(Xtables.print(List.of(empty), false), tool + "-restore", "-w");
            }
        }
        Host.Result r = host.run(null, tool + "-save");
        Map<String, Table> now = r.ok() ? Xtables.parse(r.out()) : Map.of();
        for (Table t : back) {
            if (!now.containsKey(t.name) || !Xtables.canonical(now.get(t.name)).equals(Xtables.canonical(t))) {
                throw new ApplyException(tool + " table " + t.name + " differs from the snapshot after restoring it");
            }
        }
        return true;
    }

    private static String emptyTable(String name) {
        String chains = switch (name) {
            case "filter" -> "INPUT FORWARD OUTPUT";
            case "nat" -> "PREROUTING INPUT OUTPUT POSTROUTING";
            case "mangle" -> "PREROUTING INPUT FORWARD OUTPUT POSTROUTING";
            case "raw" -> "PREROUTING OUTPUT";
            default -> "INPUT FORWARD OUTPUT";
        };
        StringBuilder b = new StringBuilder("*" + name + "\n");
        for (String c : chains.split(" ")) {
            b.append(':').append(c).append(" ACCEPT [0:0]\n");
        }
        return b.append("COMMIT\n").toString();
    }

    private void loadNft(Intent intent, String before, String expected) throws ApplyException {
        String table = intent.nftTable();
        String text = intent.nft();
        if ("reject".equals(System.getProperty(FAULT))) {
            text = text + "add rule inet " + table + " netpolc-fault-no-such-chain drop\n";
        }
        done.add(new Step("nftables table inet " + table, () -> nftPut(table, before)));
        nft(text, "loading table inet " + table);
        String have = nftTable(table);
        String want = expected + ("verify".equals(System.getProperty(FAULT)) ? "# fault\n" : "");
        if (!want.equals(have)) {
            throw new ApplyException("verification failed: nftables table inet " + table + " differs from what was"
                    + " loaded: " + firstDifference(want, have == null ? "" : have));
        }
    }

    /** Puts table {@code name} back as {@code listing} (null: not there) in one transaction. */
    private void nftPut(String name, String listing) throws ApplyException {
        String text = "table inet " + name + "\ndelete table inet " + name + "\n" + (listing == null ? "" : listing);
        nft(text, "restoring table inet " + name);
        String now = nftTable(name);
        if (listing == null ? now != null : !listing.equals(now)) {
            throw new ApplyException("nftables table inet " + name + " differs from the snapshot after restoring it");
        }
    }

    private void nft(String text, String what) throws ApplyException {
        Host.Result r = host.run(text, "nft", "-f", "-");
        if (!r.ok()) {
            throw new ApplyException("nft refused " + what + ": " + r.reason());
        }
    }

    private boolean awaitConfirmation(InputStream in) throws ApplyException {
        Path pending = store.file("pending");
        Path confirmed = store.file("confirmed");
        try {
            Files.deleteIfExists(confirmed);
            store.put("pending", ProcessHandle.current().pid() + "\n");
            err.println("netpolc: apply: applied; keeping it needs 'netpolc apply --confirmed"
                    + (o.netns() == null ? "" : " --netns " + o.netns()) + "' (or 'yes' on standard input) within "
                    + o.confirmSeconds() + " s, else it is rolled back");
            long deadline = System.nanoTime() + o.confirmSeconds() * 1_000_000_000L;
            StringBuilder typed = new StringBuilder();
            while (System.nanoTime() < deadline) {
                if (Files.exists(confirmed)) {
                    return true;
                }
                while (in.available() > 0) {
                    int c = in.read();
                    if (c < 0 || c == '\n') {
                        if (typed.toString().strip().equalsIgnoreCase("yes")) {
                            return true;
                        }
                        typed.setLength(0);
                        if (c < 0) {
                            break;
                        }
                    } else {
                        typed.append((char) c);
                    }
                }
                Thread.sleep(100);
            }
            return Files.exists(confirmed);
        } catch (IOException e) {
            throw new ApplyException("cannot wait for the confirmation: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            try {
                Files.deleteIfExists(pending);
                Files.deleteIfExists(confirmed);
            } catch (IOException e) {
                // harmless
            }
        }
    }

    // ---- --down ----

    private int runDown(PrintStream out) throws ApplyException {
        Properties record = store.record();
        if (record == null && o.policy() == null) {
            throw new ApplyException("nothing was applied to " + host.describe() + " (no record in " + store.dir()
                    + "); give the POLICY so that apply --down knows netpolc's chain prefix and nft table");
        }
        Set<String> prefixes = new LinkedHashSet<>();
        Set<String> tables = new LinkedHashSet<>();
        List<Map<String, Table>> known = new ArrayList<>();
        if (o.policy() != null) {
            prefixes.add(o.policy().settings().chainPrefix());
            if (record == null) {
                // No record: the POLICY given says which table is netpolc's.
                tables.add(o.policy().settings().nftTable());
            }
            String node = o.node() != null ? o.node() : record == null ? null : record.getProperty("node");
            Intent i = intent(o.policy(), Firewall.IPTABLES, o.layout(), true, node);
            known.add(Xtables.parse(i.ipv4()));
            known.add(Xtables.parse(i.ipv6()));
        }
        if (record != null) {
            prefixes.add(record.getProperty("prefix"));
            if ("nftables".equals(record.getProperty("backend"))) {
                tables.add(record.getProperty("nft-table"));
            }
            known.add(recorded("applied.iptables"));
            known.add(recorded("applied.ip6tables"));
        }
        IptablesState own = new IptablesState(prefixes, known);
        Snapshot snap = new Snapshot(tables, false);
        List<String> plan = new ArrayList<>();
        Map<String, Map<String, Table>> merged = new LinkedHashMap<>();
        for (String tool : snap.xtables.keySet()) {
            List<String> p = own.plan(tool, snap.xtables.get(tool), Map.of(), false);
            plan.addAll(p);
            if (!p.isEmpty()) {
                merged.put(tool, own.merge(snap.xtables.get(tool), Map.of(), false));
            }
        }
        Map<String, Set<String>> dropped = record == null ? Map.of() : leftovers(record, snap, merged, plan);
        for (String t : tables) {
            if (snap.nft.get(t) != null) {
                plan.add("- nftables: table inet " + t);
            }
        }
        Links.Scan scan = o.firewallOnly() ? Links.Scan.NONE : Links.scan(host, owner);
        err.print(Links.unreadableWarning(scan.unreadable()));
        Map<String, Links.Owned> present = scan.present();
        plan.addAll(Links.plan(present, Map.of()));
        List<String[]> sysctls = record == null || o.firewallOnly() ? List.of() : sysctlsBack(record, plan);
        printPlan(o.dryRun() ? out : err, plan, null);
        if (o.dryRun()) {
            return OK;
        }
        Map<String, Links.Attrs> attrsBefore = o.firewallOnly() ? Map.of() : hostAttrs(present, Links.attrs(host));
        journal("apply --down", snap, written(merged, dropped), !o.firewallOnly(), present, attrsBefore,
                store.applied("applied.iplink"), Map.of(), Set.of());
        try {
            writeXtables(snap, merged, dropped);
            for (String t : tables) {
                String before = snap.nft.get(t);
                if (before != null) {
                    nft("table inet " + t + "\ndelete table inet " + t + "\n", "removing table inet " + t);
                    done.add(new Step("nftables table inet " + t + " removed", () -> nftPut(t, before)));
                }
            }
            if (!o.firewallOnly()) {
                done.add(new Step("links", () -> Links.restore(host, present, attrsBefore, store.applied("applied.iplink"),
                        owner, Set.of())));
                Links.removeStale(host, present, Map.of(), owner);
            }
            if (!sysctls.isEmpty()) {
                List<String[]> on = sysctls.stream().map(v -> new String[] {v[0], "1"}).toList();
                done.add(new Step("sysctls", () -> writeSysctls(on)));
                writeSysctls(sysctls);
            }
        } catch (ApplyException e) {
            rollBack(e.getMessage());
            return FAILED;
        }
        store.clear();
        Journal.remove(store.dir());
        err.println("netpolc: took down what netpolc applied to " + host.describe());
        return OK;
    }

    /**
     * For --down: sets filter FORWARD back to the policy it had before netpolc's first apply, and
     * returns, per family, the tables that the first apply created and that --down leaves empty,
     * which iptables-nft deletes (with a plan line each). iptables-legacy cannot delete a table: its
     * plan line says the table stays, empty.
     */
    private Map<String, Set<String>> leftovers(Properties record, Snapshot snap, Map<String, Map<String, Table>> merged,
            List<String> plan) throws ApplyException {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String tool : snap.xtables.keySet()) {
            Map<String, Table> saved = snap.xtables.get(tool);
            Map<String, Table> after = merged.getOrDefault(tool, Map.of());
            String fwd = record.getProperty("forward-before." + tool);
            Table filter = after.get("filter");
            if (fwd != null && filter != null && filter.chains.containsKey("FORWARD")
                    && !filter.chains.get("FORWARD").policy().equals(fwd)) {
                Xtables.Chain c = filter.chains.get("FORWARD");
                plan.add("~ " + tool + " filter: policy of FORWARD " + c.policy() + " -> " + fwd
                        + " (as before netpolc's first apply)");
                filter.chains.put("FORWARD", new Xtables.Chain("FORWARD", fwd, c.counters()));
            }
            String had = record.getProperty("tables-before." + tool);
            if (had == null) {
                continue;
            }
            Set<String> before = new LinkedHashSet<>(List.of(had.split(",")));
            for (String name : saved.keySet()) {
                Table t = after.containsKey(name) ? after.get(name) : saved.get(name);
                if (before.contains(name) || !empty(t)) {
                    continue;
                }
                if (nfTables(tool)) {
                    out.computeIfAbsent(tool, k -> new LinkedHashSet<>()).add(name);
                    plan.add("- " + tool + " table " + name + " (netpolc's first apply created it; empty now)");
                } else if (after.containsKey(name)) {
                    plan.add("~ " + tool + " table " + name + " emptied (netpolc's first apply created it;"
                            + " iptables-legacy cannot delete a table, so it stays)");
                }
            }
        }
        return out;
    }

    // ---- status ----

    private int runStatus(PrintStream out) throws ApplyException {
        Properties record = store.record();
        List<String> drift = new ArrayList<>();
        Firewall firewall = o.firewall();
        if (record == null) {
            drift.add("nothing was applied to " + host.describe() + " (no record in " + store.dir() + ")");
        } else {
            if (firewall == null) {
                firewall = Firewall.valueOf(record.getProperty("backend", "iptables").toUpperCase(Locale.ROOT));
            }
        }
        if (firewall == null) {
            firewall = Firewall.IPTABLES;
        }
        Layout layout = o.layout();
        if (layout == null && record != null && record.getProperty("layout") != null) {
            layout = Layout.of(record.getProperty("layout"));
        }
        boolean firewallOnly = o.firewallOnly() || record != null && "true".equals(record.getProperty("firewall-only"));
        String node = o.node() != null ? o.node() : record == null ? null : record.getProperty("node");
        Intent intent = intent(o.policy(), firewall, layout, firewallOnly, node);
        if (record != null && !intent.digest().equals(record.getProperty("digest"))) {
            drift.add("the policy is not what was applied at " + record.getProperty("time") + " (digest "
                    + abbreviate(record.getProperty("digest")) + ", now " + abbreviate(intent.digest()) + ")");
        }
        Set<String> prefixes = new LinkedHashSet<>(List.of(intent.prefix()));
        List<Map<String, Table>> known = new ArrayList<>();
        if (record != null) {
            prefixes.add(record.getProperty("prefix", intent.prefix()));
            known.add(recorded("applied.iptables"));
            known.add(recorded("applied.ip6tables"));
        }
        Map<String, Map<String, Table>> intended = new LinkedHashMap<>();
        intended.put("iptables", firewall == Firewall.IPTABLES ? Xtables.parse(intent.ipv4()) : Map.of());
        intended.put("ip6tables", firewall == Firewall.IPTABLES ? Xtables.parse(intent.ipv6()) : Map.of());
        intended.values().forEach(known::add);
        IptablesState own = new IptablesState(prefixes, known);
        Snapshot snap = new Snapshot(Set.of(intent.nftTable()), firewall == Firewall.IPTABLES);
        for (String tool : snap.xtables.keySet()) {
            drift.addAll(own.plan(tool, snap.xtables.get(tool), intended.get(tool), intent.layout() == Layout.DOCKER));
        }
        if (firewall == Firewall.NFTABLES) {
            drift.addAll(lineDiff("nftables inet " + intent.nftTable() + ": ", snap.nft.get(intent.nftTable()),
                    nftExpected(intent.nft(), intent.nftTable())));
        } else if (snap.nft.get(intent.nftTable()) != null && record != null
                && "nftables".equals(record.getProperty("backend")) && intent.nftTable().equals(record.getProperty("nft-table"))) {
            // Only a table this state directory made is apply's to remove; another's is not drift.
            drift.add("- nftables: table inet " + intent.nftTable());
        }
        if (!firewallOnly) {
            Links.Scan scan = Links.scan(host, owner);
            Map<String, Links.Owned> present = scan.present();
            Map<String, Links.Owned> declared = Links.declared(intent.plan(), host.containerPrefix());
            err.print(Links.unreadableWarning(scan.checkDeclared(declared)));
            drift.addAll(Links.plan(present, declared));
            Links.repairs(present, declared, Links.wanted(intent.plan()), Links.attrs(host)).forEach(r -> drift.add(r[0]));
            Links.insideRepairs(intent.plan(), host.containerPrefix(), present, scan.inside())
                    .forEach(r -> drift.add(r.plan()));
            drift.addAll(sysctlPlan(intent.plan()));
        }
        if (drift.isEmpty()) {
            out.println("in sync: " + host.describe() + " holds " + o.policyName() + " as applied at "
                    + record.getProperty("time") + " (" + intent.firewall().keyword() + ", " + intent.layout().keyword()
                    + " layout)");
            return OK;
        }
        out.println("drifted: " + host.describe() + " differs from " + o.policyName() + " (what apply would change):");
        drift.forEach(d -> out.println("  " + d));
        return DRIFTED;
    }

    private static String abbreviate(String digest) {
        return digest == null ? "none" : digest.substring(0, Math.min(12, digest.length()));
    }

    // ---- plan helpers ----

    /**
     * The sysctls the setup script turns on that are off now, as plan lines; their values now go to
     * {@link #sysctlsBefore} (by path under /proc/sys), for the record and --down. A sysctl that
     * does not exist yet (bridge-nf-call-* before br_netfilter is loaded) has no value to keep.
     */
    private List<String> sysctlPlan(HostPlan plan) throws ApplyException {
        List<String> lines = new ArrayList<>();
        for (HostPlan.Sysctl s : plan.sysctls()) {
            Host.Result r = host.run(null, "cat", "/proc/sys/" + s.path());
            String now = r.ok() ? r.out().strip() : "(absent)";
            if (!now.equals("1")) {
                lines.add("~ sysctl " + s.key() + " " + now + " -> 1");
                if (r.ok() && now.matches("[0-9]+")) {
                    sysctlsBefore.put(s.path(), now);
                }
            }
        }
        return lines;
    }

    /** What {@link #sysctlPlan} found off, by path under /proc/sys: the value it had. */
    private final Map<String, String> sysctlsBefore = new java.util.TreeMap<>();

    /**
     * For --down: the sysctls netpolc's applies turned on, with the value each had before (from
     * the record), that are still on; each as {path, value}, with a plan line.
     */
    private List<String[]> sysctlsBack(Properties record, List<String> plan) throws ApplyException {
        List<String[]> out = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(record.stringPropertyNames())) {
            if (!key.startsWith(SYSCTL_BEFORE)) {
                continue;
            }
            String path = key.substring(SYSCTL_BEFORE.length());
            Host.Result r = host.run(null, "cat", "/proc/sys/" + path);
            if (r.ok() && r.out().strip().equals("1")) {
                out.add(new String[] {path, record.getProperty(key)});
                plan.add("~ sysctl " + path.replace('/', '.') + " 1 -> " + record.getProperty(key)
                        + " (as before netpolc's first apply)");
            }
        }
        return out;
    }

    /** Writes sysctls ({path, value}) in the namespace, in one shell. */
    private void writeSysctls(List<String[]> values) throws ApplyException {
        if (values.isEmpty()) {
            return;
        }
        StringBuilder script = new StringBuilder();
        for (String[] v : values) {
            script.append("echo ").append(v[1]).append(" >/proc/sys/").append(v[0]).append('\n');
        }
        Host.Result r = host.run(script.toString(), "sh", "-e");
        if (!r.ok()) {
            throw new ApplyException("cannot set the sysctls back: " + r.reason());
        }
    }

    /** The record's key prefix of a sysctl's value before netpolc's first apply turned it on. */
    static final String SYSCTL_BEFORE = "sysctl-before.";

    private void printPlan(PrintStream p, List<String> plan, Intent intent) {
        String what = intent == null ? "apply --down" : "apply " + o.policyName() + " (" + intent.firewall().keyword()
                + (intent.firewall() == Firewall.IPTABLES ? ", " + intent.layout().keyword() + " layout" : "") + ")";
        if (plan.isEmpty()) {
            p.println("plan: " + what + " on " + host.describe() + ": no changes");
            return;
        }
        // One write: a println per line would be one system call per line on an autoflushing stream.
        StringBuilder b = new StringBuilder("plan: " + what + " on " + host.describe() + ": " + plan.size() + " change"
                + (plan.size() == 1 ? "" : "s") + System.lineSeparator());
        plan.forEach(l -> b.append("  ").append(l).append(System.lineSeparator()));
        p.print(b);
        p.flush();
    }

    /** The lines of {@code before} (null: absent) and {@code after} that differ, as plan lines. */
    static List<String> lineDiff(String where, String before, String after) {
        List<String> have = before == null ? List.of() : significant(before);
        List<String> want = significant(after);
        List<String> lines = new ArrayList<>();
        if (have.equals(want)) {
            return lines;
        }
        List<String> removed = IptablesState.minus(have, want);
        List<String> added = IptablesState.minus(want, have);
        removed.forEach(l -> lines.add("- " + where + l));
        added.forEach(l -> lines.add("+ " + where + l));
        if (lines.isEmpty()) {
            lines.add("~ " + where + "order of lines");
        }
        return lines;
    }

    /** The lines of an nft listing that say something: not blank, not a lone closing brace. */
    private static List<String> significant(String listing) {
        return listing.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("}")).toList();
    }

    private static String firstDifference(String want, String have) {
        List<String> w = want.lines().toList();
        List<String> h = have.lines().toList();
        for (int k = 0; k < Math.max(w.size(), h.size()); k++) {
            String a = k < w.size() ? w.get(k) : "(nothing)";
            String b = k < h.size() ? h.get(k) : "(nothing)";
            if (!a.equals(b)) {
                return "line " + (k + 1) + ": expected '" + a + "', the kernel has '" + b + "'";
            }
        }
        return "(no difference found line by line)";
    }
}
