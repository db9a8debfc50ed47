package net.dtm.agent;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.dtm.protocol.LinkAddress;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkState;
import net.dtm.transport.LinkStats;
import net.dtm.transport.MultiLinkTransport;

/**
 * The transport's links as the agent uses them: the candidates for the tunnel's outer path, the
 * addresses an ESTABLISH names, and the ids for a log line. Link ids and kinds are cut to what the
 * wire carries.
 */
final class LinkView {

    /** Most links an ESTABLISH names. */
    private static final int MAX_LINKS = 8;
    private static final int MAX_LINK_ID = 32;
    private static final int MAX_LINK_KIND = 16;

    private final MultiLinkTransport transport;

    LinkView(MultiLinkTransport transport) {
        this.transport = transport;
    }

    /** A link id as the wire carries it: at most 32 characters. */
    static String wireLinkId(String id) {
        return id.length() > MAX_LINK_ID ? id.substring(0, MAX_LINK_ID) : id;
    }

    /**
     * Every link as the path selector sees it. A link's address counts only if it has the address
     * family of {@code far} (the tunnel's server endpoint, or the first control endpoint; null: any).
     */
    List<PathSelector.Candidate> candidates(InetSocketAddress far) {
        Map<String, LinkStats> stats = new HashMap<>();
        for (LinkStats s : transport.stats()) {
            stats.put(s.id(), s);
        }
        List<PathSelector.Candidate> out = new ArrayList<>();
        for (LinkDriver l : transport.links()) {
            LinkStats s = stats.get(l.id());
            Optional<InetSocketAddress> a;
            try {
                a = l.localAddress();
            } catch (RuntimeException ex) {
                a = Optional.empty();
            }
            out.add(new PathSelector.Candidate(wireLinkId(l.id()), l.state(), transport.isEnabled(l.id()),
                    l.metered(), a.filter(x -> sameFamily(far, x)), s == null ? Duration.ZERO : s.srtt(),
                    s == null ? 0 : s.lossEstimate()));
        }
        return out;
    }

    /** The addresses of the links not down (their public address where known), at most 8. */
    List<LinkAddress> linkAddresses() {
        List<LinkAddress> out = new ArrayList<>();
        for (LinkDriver l : transport.links()) {
            if (out.size() == MAX_LINKS) {
                break;
            }
            if (l.state() == LinkState.DOWN) {
                continue;
            }
            Optional<InetSocketAddress> a = l.publicAddress().or(l::localAddress);
            if (a.isPresent()) {
                String id = wireLinkId(l.id());
                String kind = l.kindLabel();
                out.add(new LinkAddress(id, kind.length() > MAX_LINK_KIND ? kind.substring(0, MAX_LINK_KIND) : kind, a.get()));
            }
        }
        return out;
    }

    /** Every link's id. */
    List<String> linkIds() {
        List<String> ids = new ArrayList<>();
        for (LinkDriver l : transport.links()) {
            ids.add(l.id());
        }
        return ids;
    }

    /** True if {@code a} can carry a tunnel to {@code far}: the same address family. */
    private static boolean sameFamily(InetSocketAddress far, InetSocketAddress a) {
        if (far == null || far.getAddress() == null || a.getAddress() == null) {
            return true;
        }
        return (far.getAddress() instanceof Inet4Address) == (a.getAddress() instanceof Inet4Address);
    }
}
