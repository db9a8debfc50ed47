package net.dtm.agent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;

/** The agent's operator-facing logger and the shapes its lines share (addresses, failures, the establishment line). */
final class AgentLog {

    /** The operator-facing logger; the establishment line is part of the product's contract. */
    static final Logger LOG = LoggerFactory.getLogger("net.dtm.agent");

    private AgentLog() {
    }

    /** The INFO line logged on every establishment; its shape is relied on by operators and benchmarks. */
    static String establishedLine(DeviceId device, InetAddress address, InetSocketAddress server, double ms) {
        return String.format(Locale.ROOT, "tunnel established: device=%s address=%s server=%s time=%.1f ms",
                device, address.getHostAddress(), hostPort(server), ms);
    }

    /** {@code host:port}, an IPv6 host in brackets. */
    static String hostPort(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The failure behind a {@link CompletionException}. */
    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** Why a request failed, for a log line. */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        Throwable c = unwrap(t);
        return c instanceof TimeoutException ? "timeout: " + c.getMessage() : c.toString();
    }
}
