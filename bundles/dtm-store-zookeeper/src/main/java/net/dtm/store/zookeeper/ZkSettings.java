package net.dtm.store.zookeeper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import net.dtm.spi.cluster.NodeIds;

/**
 * How a node connects to the ZooKeeper ensemble and who it is in the cluster.
 *
 * @param connect             the ensemble, e.g. {@code zk1:2181,zk2:2181,zk3:2181}
 * @param namespace           root path of everything DTM keeps (no leading slash), default {@code dtm}
 * @param sessionTimeoutMs    ZooKeeper session timeout: how long the ensemble keeps this node's
 *                            ephemeral registration after it went silent (default 10000)
 * @param connectionTimeoutMs how long opening waits for a first connection (default 3000); never
 *                            longer
 * @param user                digest ACL user (default {@code dtm})
 * @param password            digest ACL password: every node of the cluster must use the same one;
 *                            nodes DTM creates can be read and written only with it
 * @param nodeId              this node's id: 1-64 characters of {@code [A-Za-z0-9._-]} ({@link NodeIds})
 * @param site                the node's site (may be empty)
 * @param requestTimeoutMs    the deadline of every request to ZooKeeper (default 5000): a request
 *                            not answered by then fails (the store call with
 *                            {@code StoreUnavailableException}) and the client drops its connection
 *                            and connects again, so a slow ensemble shows as disconnected
 */
public record ZkSettings(String connect, String namespace, int sessionTimeoutMs, int connectionTimeoutMs, String user,
                         String password, String nodeId, String site, int requestTimeoutMs) {

    public static final String DEFAULT_NAMESPACE = "dtm";
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
    public static final String DEFAULT_USER = "dtm";
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** @throws IllegalArgumentException naming the setting that is wrong and why */
    public ZkSettings {
        if (connect == null || connect.isBlank() || connect.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("connect: the ZooKeeper ensemble is required, e.g. zk1:2181,zk2:2181,zk3:2181"
                    + (connect == null || connect.isBlank() ? "" : " (got '" + connect + "', which contains blanks)"));
        }
        if (namespace == null || !NAMESPACE.matcher(namespace).matches() || namespace.equals(".") || namespace.equals("..")) {
            throw new IllegalArgumentException("namespace '" + namespace
                    + "': expected a relative path of A-Z a-z 0-9 . _ - segments, e.g. dtm");
        }
        if (sessionTimeoutMs < 1000 || sessionTimeoutMs > 600_000) {
            throw new IllegalArgumentException("session.timeout.ms " + sessionTimeoutMs + " outside 1000..600000");
        }
        if (connectionTimeoutMs < 100 || connectionTimeoutMs > 600_000) {
            throw new IllegalArgumentException("connection.timeout.ms " + connectionTimeoutMs + " outside 100..600000");
        }
        if (requestTimeoutMs < 100 || requestTimeoutMs > 600_000) {
            throw new IllegalArgumentException("request.timeout.ms " + requestTimeoutMs + " outside 100..600000");
        }
        if (user == null || !USER.matcher(user).matches()) {
            throw new IllegalArgumentException("auth.user '" + user + "': expected 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("auth.password (or auth.password.file) is required: without it the cluster's"
                    + " data would be open to every ZooKeeper client");
        }
        NodeIds.validate(nodeId, "node.id");
        site = site == null ? "" : site.trim();
        if (site.length() > 64 || site.contains("\n")) {
            throw new IllegalArgumentException("site '" + site + "': at most 64 characters on one line");
        }
    }

    /** With the default request timeout. */
    public ZkSettings(String connect, String namespace, int sessionTimeoutMs, int connectionTimeoutMs, String user,
                      String password, String nodeId, String site) {
        this(connect, namespace, sessionTimeoutMs, connectionTimeoutMs, user, password, nodeId, site, DEFAULT_REQUEST_TIMEOUT_MS);
    }

    /** Settings with the default namespace, timeouts and user. */
    public static ZkSettings of(String connect, String password, String nodeId) {
        return new ZkSettings(connect, DEFAULT_NAMESPACE, DEFAULT_SESSION_TIMEOUT_MS, DEFAULT_CONNECTION_TIMEOUT_MS,
                DEFAULT_USER, password, nodeId, "");
    }

    public ZkSettings withNamespace(String ns) {
        return new ZkSettings(connect, ns, sessionTimeoutMs, connectionTimeoutMs, user, password, nodeId, site, requestTimeoutMs);
    }

    public ZkSettings withTimeouts(int sessionMs, int connectionMs) {
        return new ZkSettings(connect, namespace, sessionMs, connectionMs, user, password, nodeId, site, requestTimeoutMs);
    }

    public ZkSettings withNodeId(String id) {
        return new ZkSettings(connect, namespace, sessionTimeoutMs, connectionTimeoutMs, user, password, id, site, requestTimeoutMs);
    }

    public ZkSettings withSite(String s) {
        return new ZkSettings(connect, namespace, sessionTimeoutMs, connectionTimeoutMs, user, password, nodeId, s, requestTimeoutMs);
    }

    public ZkSettings withRequestTimeout(int ms) {
        return new ZkSettings(connect, namespace, sessionTimeoutMs, connectionTimeoutMs, user, password, nodeId, site, ms);
    }

    public ZkSettings withCredentials(String u, String p) {
        return new ZkSettings(connect, namespace, sessionTimeoutMs, connectionTimeoutMs, u, p, nodeId, site, requestTimeoutMs);
    }

    /**
     * Reads the configuration of PID {@code net.dtm.store.zookeeper}: {@code connect} (required),
     * {@code namespace}, {@code session.timeout.ms}, {@code connection.timeout.ms},
     * {@code auth.user}, {@code auth.password} or {@code auth.password.file} (one of them required),
     * {@code node.id} (default: the host name), {@code site}, {@code request.timeout.ms}.
     *
     * @throws IllegalArgumentException naming the key that is wrong and why
     */
    public static ZkSettings fromConfig(Map<String, ?> config) {
        String password = text(config, "auth.password", "");
        String passwordFile = text(config, "auth.password.file", "");
        if (!password.isEmpty() && !passwordFile.isEmpty()) {
            throw new IllegalArgumentException("auth.password and auth.password.file are both set: set one of them");
        }
        if (!passwordFile.isEmpty()) {
            try {
                password = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).trim();
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("auth.password.file " + passwordFile + " cannot be read: " + e, e);
            }
            if (password.isEmpty()) {
                throw new IllegalArgumentException("auth.password.file " + passwordFile + " is empty");
            }
        }
        return new ZkSettings(text(config, "connect", ""), text(config, "namespace", DEFAULT_NAMESPACE),
                integer(config, "session.timeout.ms", DEFAULT_SESSION_TIMEOUT_MS),
                integer(config, "connection.timeout.ms", DEFAULT_CONNECTION_TIMEOUT_MS),
                text(config, "auth.user", DEFAULT_USER), password, NodeIds.resolve(config.get("node.id"), "node.id"),
                text(config, "site", ""), integer(config, "request.timeout.ms", DEFAULT_REQUEST_TIMEOUT_MS));
    }

    private static String text(Map<String, ?> config, String key, String fallback) {
        Object v = config.get(key);
        String s = v == null ? "" : String.valueOf(v).trim();
        return s.isEmpty() ? fallback : s;
    }

    private static int integer(Map<String, ?> config, String key, int fallback) {
        Object v = config.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + v + "' is not a whole number of milliseconds");
        }
    }

    /** Everything but the password. */
    @Override
    public String toString() {
        return "ZkSettings[connect=" + connect + ", namespace=" + namespace + ", session.timeout.ms=" + sessionTimeoutMs
                + ", connection.timeout.ms=" + connectionTimeoutMs + ", auth.user=" + user + ", node.id=" + nodeId
                + ", site=" + site + ", request.timeout.ms=" + requestTimeoutMs + "]";
    }
}
