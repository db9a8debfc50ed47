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
    /**
     * Every device netifd knows, by name, with its {@code mtu} and {@code present} (netifd's view of
     * the kernel; always on OpenWrt, unlike {@code ip -j}, which needs ip-full).
     */
    static final String DEVICES = "ubus call network.device status";
    /** Every logical interface with its {@code ipv4-address} and {@code ipv6-address} lists. */
    static final String INTERFACES = "ubus call network.interface dump";
    /** The protos netifd knows (package vxlan adds vxlan and vxlan6). */
    static final String PROTO_HANDLERS = "ubus call network get_proto_handlers";

    private static final Pattern SID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SID_ANYWHERE = Pattern.compile("(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])");
    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{16}");

    /**
     * What one command of a {@link #script} printed (stdout and stderr together) and its exit status.
     * For {@code ubus} the status is libubus's: {@link #UBUS_NOT_FOUND}, {@link #UBUS_NO_DATA},
     * {@link #UBUS_PERMISSION_DENIED}, {@link #UBUS_TIMEOUT}...; decisions are taken on it, never on
     * the text ({@code Command failed: No response} is NO_DATA, an easy one to get wrong).
     */
    record Part(int status, String output) {
        /** True when the command ended with status 0. */
        boolean ok() {
            return status == 0;
        }
    }

    /** ubus CLI exit status UBUS_STATUS_INVALID_ARGUMENT ({@code Command failed: Invalid argument}). */
    static final int UBUS_INVALID_ARGUMENT = 2;
    /** UBUS_STATUS_METHOD_NOT_FOUND ({@code Command failed: Method not found}). */
    static final int UBUS_METHOD_NOT_FOUND = 3;
    /** UBUS_STATUS_NOT_FOUND ({@code Command failed: Not found}). */
    static final int UBUS_NOT_FOUND = 4;
    /** UBUS_STATUS_NO_DATA ({@code Command failed: No response}). */
    static final int UBUS_NO_DATA = 5;
    /** UBUS_STATUS_PERMISSION_DENIED ({@code Command failed: Permission denied}). */
    static final int UBUS_PERMISSION_DENIED = 6;
    /** UBUS_STATUS_TIMEOUT ({@code Command failed: Request timed out}). */
    static final int UBUS_TIMEOUT = 7;

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

    /**
     * Commits the session's staged changes and reloads, always with rpcd's rollback timer of
     * {@code rollbackSeconds}: rpcd refuses that (Permission denied) while another change waits for
     * confirmation, whereas an apply without rollback first purges the pending change's snapshot and
     * then does nothing, leaving that change unable to roll back.
     */
    static String apply(String sid, long rollbackSeconds) {
        if (rollbackSeconds < 1) {
            throw new IllegalArgumentException("rollback timeout " + rollbackSeconds);
        }
        return "ubus call uci apply '{\"ubus_rpc_session\":\"" + sid(sid) + "\",\"rollback\":true,\"timeout\":" + rollbackSeconds + "}'";
    }

    /** A session id no one uses: a confirmation with it only tells whether a change waits (Permission denied) or not (NO_DATA, printed as "No response"). */
    static final String NOBODY = "00000000000000000000000000000000";

    /** Fails with Not found once rpcd has ended session {@code sid}. */
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

    /** netifd's view of logical interface {@code iface}: {@code up}, addresses. */
    static String interfaceStatus(String iface) {
        return "ubus call network.interface." + name(iface) + " status";
    }

    /** One ping through {@code dev} to {@code peer}. */
    static String ping(String dev, InetAddress peer, long seconds) {
        return "ping -c 1 -W " + seconds + " -I " + name(dev) + " " + Cidr.format(peer);
    }

    /**
     * Several commands in one exec, to save round trips on a slow link: each runs with its stderr
     * joined to stdout and is followed by a line printing a marker with its exit status
     * ({@code --dtm-<nonce>-rc-<status>--}); a command may open a heredoc on its first line.
     */
    static String script(String nonce, List<String> commands) {
        if (!NONCE.matcher(nonce).matches()) {
            throw new IllegalArgumentException("bad nonce");
        }
        StringBuilder b = new StringBuilder();
        for (String c : commands) {
            int nl = c.indexOf('\n');
            String first = nl < 0 ? c : c.substring(0, nl);
            b.append(first).append(" 2>&1");
            if (nl >= 0) {
                b.append(c.substring(nl));
            }
            b.append("\necho \"--dtm-").append(nonce).append("-rc-$?--\"\n");
        }
        return b.toString();
    }

    /**
     * Splits what a {@link #script} printed into its parts.
     *
     * @throws IllegalArgumentException if a part's marker is missing
     */
    static List<Part> parts(String nonce, String stdout, int expected) {
        Pattern marker = Pattern.compile("--dtm-" + nonce + "-rc-(\\d{1,3})--\n?");
        java.util.regex.Matcher m = marker.matcher(stdout);
        List<Part> parts = new java.util.ArrayList<>();
        int from = 0;
        while (m.find()) {
            parts.add(new Part(Integer.parseInt(m.group(1)), stdout.substring(from, m.start())));
            from = m.end();
        }
        if (parts.size() != expected) {
            throw new IllegalArgumentException("expected " + expected + " results, the device printed " + parts.size());
        }
        return parts;
    }

    /** {@code text} with every rpcd session id (a bearer token while it lives) replaced by {@code <rpcd-session>}. */
    static String redact(String text) {
        return SID_ANYWHERE.matcher(text).replaceAll("<rpcd-session>");
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
