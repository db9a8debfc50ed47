package net.dtm.server.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The node's host name, for a default node id. Endpoint parsing is {@link net.dtm.api.HostPort}. */
public final class Endpoints {

    private Endpoints() {
    }

    /** The host name, or {@code dtm-node} if it cannot be found. */
    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "dtm-node";
        }
    }
}
