package dev.netpolc.cli.apply;

import dev.netpolc.ir.Layout;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What a state record's values may be. apply, --down and status act on what the record says
 * (which chains and tables to take away, which backend to read), so a record that was cut short,
 * edited or written by something else is refused as a whole, with the key that is wrong, rather
 * than half understood.
 */
final class RecordCheck {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,31}");
    private static final Pattern TABLES = Pattern.compile("([a-z]+(,[a-z]+)*)?");
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SYSCTL = Pattern.compile("net/[a-z0-9_]+(/[a-z0-9_.-]+){1,3}");
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private RecordCheck() {}

    /** Why {@code record} cannot be used, or null when it can. */
    static String problem(Properties record) {
        String digest = record.getProperty("digest");
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            return "its 'digest' is " + shown(digest) + ", not 64 hex digits";
        }
        String backend = record.getProperty("backend");
        if (backend != null && !backend.equals("iptables") && !backend.equals("nftables")) {
            return "its 'backend' is " + shown(backend) + ", not iptables or nftables";
        }
        String layout = record.getProperty("layout");
        if (layout != null && Layout.of(layout) == null) {
            return "its 'layout' is " + shown(layout) + ", not a layout";
        }
        for (String key : new String[] {"prefix", "nft-table"}) {
            String v = record.getProperty(key);
            if (v != null && !NAME.matcher(v).matches()) {
                return "its '" + key + "' is " + shown(v) + ", not a name";
            }
        }
        String fo = record.getProperty("firewall-only");
        if (fo != null && !fo.equals("true") && !fo.equals("false")) {
            return "its 'firewall-only' is " + shown(fo) + ", not true or false";
        }
        String node = record.getProperty("node");
        if (node != null && !NODE.matcher(node).matches()) {
            return "its 'node' is " + shown(node) + ", not a node name";
        }
        for (Map.Entry<Object, Object> e : record.entrySet()) {
            String key = (String) e.getKey();
            String v = (String) e.getValue();
            if (key.startsWith("tables-before.") && !TABLES.matcher(v).matches()) {
                return "its '" + key + "' is " + shown(v) + ", not a list of table names";
            }
            if (key.startsWith("forward-before.") && !v.equals("ACCEPT") && !v.equals("DROP")) {
                return "its '" + key + "' is " + shown(v) + ", not ACCEPT or DROP";
            }
            if (key.startsWith(Apply.SYSCTL_BEFORE) && (!SYSCTL.matcher(key.substring(Apply.SYSCTL_BEFORE.length()))
                    .matches() || key.contains("..") || !v.matches("[0-9]{1,3}"))) {
                return "its key " + shown(key) + " is not a network sysctl with a number";
            }
        }
        return null;
    }

    private static String shown(String v) {
        if (v == null) {
            return "missing";
        }
        return "'" + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'";
    }
}
