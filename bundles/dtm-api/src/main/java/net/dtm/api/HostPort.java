package net.dtm.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parsing of {@code host:port} configuration values, shared by every component that reads
 * endpoints from its configuration. Errors name the setting, e.g. {@code servers 'x' must look
 * like host:port}.
 */
public final class HostPort {

    private HostPort() {
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}; the host may be a literal or a name (resolved now).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static InetSocketAddress parse(String text, String what) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 1 || colon == t.length() - 1) {
            throw new IllegalArgumentException(what + " '" + t + "' must look like host:port");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + t + "' has a malformed port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " '" + t + "': port must be 1..65535");
        }
        return new InetSocketAddress(address(host, what), port);
    }

    /** Parses a comma list of {@code host:port}. Blank = empty. */
    public static List<InetSocketAddress> parseList(String text, String what) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (text != null) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    out.add(parse(part, what));
                }
            }
        }
        return out;
    }

    /** An IP literal, or a host name resolved now. */
    public static InetAddress address(String host, String what) {
        String h = host == null ? "" : host.trim();
        if (h.isEmpty()) {
            throw new IllegalArgumentException(what + ": host is empty");
        }
        try {
            return Cidr.parseLiteral(h);
        } catch (IllegalArgumentException notLiteral) {
            try {
                return InetAddress.getByName(h);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(what + ": cannot resolve host '" + h + "'");
            }
        }
    }

    /**
     * This host's name as a node id, the default node id of every cluster implementation
     * ({@code net.dtm.spi.cluster.NodeIds#resolve}): the
     * {@code HOSTNAME} environment variable, else the local host's name, else {@code dtm-node};
     * characters other than letters, digits, '.', '_' and '-' become '-', at most 64 characters.
     */
    public static String localNodeId() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException | RuntimeException e) {
                name = "dtm-node";
            }
        }
        String cleaned = name.trim().replaceAll("[^A-Za-z0-9._-]", "-");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}
