package net.dtm.config.ssh;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.time.Duration;

import net.dtm.spi.config.ConfigException;

/** Turns what went wrong while connecting and logging in into a message that says what to do. */
final class ConnectFailures {

    private ConnectFailures() {
    }

    /** Connecting (TCP) failed with {@code cause}. */
    static ConfigException connectFailed(String where, Throwable cause) {
        Throwable root = root(cause);
        if (root instanceof ConnectException) {
            return new ConfigException(where + " refused the connection: check that SSH is enabled on the device and"
                    + " that the port is right", false, cause);
        }
        if (root instanceof NoRouteToHostException) {
            return new ConfigException("no route to " + where + ": check the address and the management network",
                    false, cause);
        }
        if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
            return new ConfigException("cannot resolve the host name of " + where + ": check the device's address",
                    false, cause);
        }
        return new ConfigException("cannot connect to " + where + " (" + root + "): check the address, the route and"
                + " any firewall", false, cause);
    }

    /** Nothing answered (TCP, key exchange or login) within {@code timeout}. */
    static ConfigException timedOut(String where, String stage, Duration timeout) {
        return new ConfigException("no answer from " + where + " within " + seconds(timeout) + " while " + stage
                + ": check the address, the route and any firewall, and that an SSH server listens there", false);
    }

    /** The device refused the login. */
    static ConfigException loginRefused(String username, String where, Path secretFile) {
        return new ConfigException("login as " + username + " to " + where + " refused: wrong password or key in "
                + secretFile + " (or the account does not exist or may not log in over SSH)", false);
    }

    /** Key exchange or login failed for another reason. */
    static ConfigException sessionFailed(String where, Throwable cause) {
        return new ConfigException("SSH session with " + where + " failed: " + root(cause), false, cause);
    }

    /** {@code 10 s}, or {@code 500 ms} below a whole second. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** {@code host:port}, with brackets around an IPv6 address. */
    static String where(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static Throwable root(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }
}
