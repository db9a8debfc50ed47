package net.dtm.agent;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import net.dtm.api.HostPort;

/** Parsing of the agent's configuration values, with messages an operator can act on. */
final class AgentConfig {

    private AgentConfig() {
    }

    /**
     * Parses {@code host:port,host:port} ({@code [v6]:port} for IPv6).
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    static List<InetSocketAddress> servers(String text) {
        List<InetSocketAddress> out = HostPort.parseList(text, "servers");
        if (out.isEmpty()) {
            throw new IllegalArgumentException("servers: no server configured");
        }
        return out;
    }

    /**
     * Parses a key of 64 hex digits (surrounding white space ignored).
     *
     * @throws IllegalArgumentException if it is not 64 hex digits
     */
    static byte[] key(String hex) {
        String s = hex == null ? "" : hex.strip();
        if (s.length() != 64) {
            throw new IllegalArgumentException("device key must be 64 hex digits, got " + s.length() + " characters");
        }
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device key must be 64 hex digits: " + e.getMessage());
        }
    }

    /** A relative key file path is taken relative to Karaf's etc folder ({@code karaf.etc}), if known. */
    static Path resolveKeyFile(String path) {
        Path p = Path.of(path.trim());
        String etc = System.getProperty("karaf.etc");
        return p.isAbsolute() || etc == null ? p : Path.of(etc).resolve(p);
    }
}
