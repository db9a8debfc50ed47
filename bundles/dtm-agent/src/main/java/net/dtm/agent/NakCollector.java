package net.dtm.agent;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.dtm.protocol.Nak;

/** Collects the refusals to one request; true once every server asked has refused. Thread-safe. */
final class NakCollector {
    private final List<InetSocketAddress> asked;
    private final Map<InetSocketAddress, Nak> naks = new HashMap<>();

    NakCollector(List<InetSocketAddress> asked) {
        this.asked = asked;
    }

    /** Records {@code nak} from {@code from}; true once every server asked has refused. */
    synchronized boolean record(InetSocketAddress from, Nak nak) {
        naks.put(from, nak);
        return naks.keySet().containsAll(asked);
    }

    /** One of the refusals, or null. */
    synchronized Nak any() {
        return naks.isEmpty() ? null : naks.values().iterator().next();
    }
}
