package net.dtm.vendor.openwrt;

import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;

import net.dtm.api.Cidr;

/**
 * Every command line this adapter runs on the device, in one place. Each is a fixed shape whose
 * variable parts are validated here (UCI lines by {@link UciLine#isSafe}, interface names by
 * {@link UciLine#isName}, rpcd session ids as 32 hex digits, addresses formatted by the adapter
 * itself), so no value can reach the shell unquoted.
 */
final class DeviceCommands {

    /** Heredoc delimiter of the batch; no UCI line of this adapter can equal it. */
    static final String EOF = "DTM_UCI_EOF";
    /** Every configuration with its staged changes (not -q: an error must print). */
    static final String SHOW = "uci show network";
    /** Changes staged in the default delta directory, {@code /tmp/.uci}, by someone else. */
    static final String CHANGES_DEFAULT = "uci changes network";
    /** Every address of every device. */
    static final String ADDRESSES = "ip -j addr";
    /** The protos netifd knows (package vxlan adds vxlan and vxlan6). */
    static final String PROTO_HANDLERS = "ubus call network get_proto_handlers";

    private static final Pattern SID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{16}");

    /** What one command of a {@link #script} printed (stdout and stderr together) and whether it succeeded. */
    record Part(boolean ok, String output) {
    }

    private DeviceCommands() {
    }

    /** The rpcd session's delta directory, where {@code ubus call uci apply} takes the changes from. */
    static String savedir(String sid) {
        return "/var/run/rpcd/uci-" + sid(sid);
    }

    /** Stages {@code lines} in the session's delta directory: one exec, the lines on stdin. */
    static String batch(String sid, List<String> lines) {
        StringBuilder b = new StringBuilder("uci -P ").append(savedir(sid)).append(" batch <<'").append(EOF).append("'\n");
        for (String line : lines) {
            if (!UciLine.isSafe(line)) {
                throw new IllegalArgumentException("not a UCI line of this adapter: " + line);
            }
            b.append(line).append('\n');
        }
        return b.append(EOF).toString();
    }

    /** What is staged in the session's delta directory, as the device shows it. */
    static String changes(String sid) {
        return "uci -P " + savedir(sid) + " changes network";
    }

    /** Drops what is staged in the session's delta directory. */
    static String revert(String sid) {
        return "uci -P " + savedir(sid) + " revert network";
    }

    /** A new rpcd session living {@code seconds}. */
    static String sessionCreate(long seconds) {
        return "ubus call session create '{\"timeout\":" + seconds + "}'";
    }

    /** Lets the session write {@code network} (rpcd checks it at apply). */
    static String sessionGrant(String sid) {
        return "ubus call session grant '{\"ubus_rpc_session\":\"" + sid(sid)
                + "\",\"scope\":\"uci\",\"objects\":[[\"network\",\"write\"]]}'";
    }

    /** Ends the session; rpcd purges its delta directory. */
    static String sessionDestroy(String sid) {
        return "ubus call session destroy '{\"ubus_rpc_session\":\"" + sid(sid) + "\"}'";
    }

    /** Commits the session's staged changes and reloads, with rpcd's rollback timer when {@code rollbackSeconds > 0}. */
    static String apply(String sid, long rollbackSeconds) {
        return rollbackSeconds > 0
                ? "ubus call uci apply '{\"ubus_rpc_session\":\"" + sid(sid) + "\",\"rollback\":true,\"timeout\":" + rollbackSeconds + "}'"
                : "ubus call uci apply '{\"ubus_rpc_session\":\"" + sid(sid) + "\"}'";
    }

    /** A session id no one uses: a confirmation with it only tells whether a change waits ("Permission denied") or not ("No data"). */
    static final String NOBODY = "00000000000000000000000000000000";

    /** Fails with "Not found" once rpcd has ended session {@code sid}. */
    static String sessionList(String sid) {
        return "ubus call session list '{\"ubus_rpc_session\":\"" + sid(sid) + "\"}'";
    }

    /** Keeps the change applied with rollback by session {@code sid}. */
    static String confirm(String sid) {
        return "ubus call uci confirm '{\"ubus_rpc_session\":\"" + sid(sid) + "\"}'";
    }

    /** Rolls back the change applied with rollback by session {@code sid}, now. */
    static String rollback(String sid) {
        return "ubus call uci rollback '{\"ubus_rpc_session\":\"" + sid(sid) + "\"}'";
    }

    /** netifd's view of logical interface {@code iface}. */
    static String ifstatus(String iface) {
        return "ifstatus " + name(iface);
    }

    /** One ping through {@code dev} to {@code peer}. */
    static String ping(String dev, InetAddress peer, long seconds) {
        return "ping -c 1 -W " + seconds + " -I " + name(dev) + " " + Cidr.format(peer);
    }

    /**
     * Several commands in one exec, to save round trips on a slow link: each runs with its stderr
     * joined to stdout and is followed by a marker line saying whether it succeeded
     * ({@code --dtm-<nonce>-ok--} or {@code -fail--}); a command may open a heredoc on its first line.
     */
    static String script(String nonce, List<String> commands) {
        if (!NONCE.matcher(nonce).matches()) {
            throw new IllegalArgumentException("bad nonce");
        }
        StringBuilder b = new StringBuilder();
        for (String c : commands) {
            int nl = c.indexOf('\n');
            String first = nl < 0 ? c : c.substring(0, nl);
            b.append(first).append(" 2>&1 && echo '--dtm-").append(nonce).append("-ok--' || echo '--dtm-")
                    .append(nonce).append("-fail--'");
            if (nl >= 0) {
                b.append(c.substring(nl));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * Splits what a {@link #script} printed into its parts.
     *
     * @throws IllegalArgumentException if a part's marker is missing
     */
    static List<Part> parts(String nonce, String stdout, int expected) {
        Pattern marker = Pattern.compile("--dtm-" + nonce + "-(ok|fail)--\n?");
        java.util.regex.Matcher m = marker.matcher(stdout);
        List<Part> parts = new java.util.ArrayList<>();
        int from = 0;
        while (m.find()) {
            parts.add(new Part(m.group(1).equals("ok"), stdout.substring(from, m.start())));
            from = m.end();
        }
        if (parts.size() != expected) {
            throw new IllegalArgumentException("expected " + expected + " results, the device printed " + parts.size());
        }
        return parts;
    }

    /** True if {@code sid} looks like an rpcd session id. */
    static boolean isSid(String sid) {
        return sid != null && SID.matcher(sid).matches();
    }

    private static String sid(String sid) {
        if (!isSid(sid)) {
            throw new IllegalArgumentException("'" + sid + "' is not an rpcd session id");
        }
        return sid;
    }

    private static String name(String n) {
        if (!UciLine.isName(n.replaceFirst("^(gre4|gre6|ipip)-", ""))) {
            throw new IllegalArgumentException("'" + n + "' is not an interface name this adapter uses");
        }
        return n;
    }
}
