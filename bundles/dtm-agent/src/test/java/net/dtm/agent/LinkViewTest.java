package net.dtm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.protocol.LinkAddress;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;
import net.dtm.transport.MultiLinkTransport;

class LinkViewTest {

    /** A carrier's driver of a kind the enum does not name, e.g. a Starlink terminal. */
    private static LinkDriver link(String id, String label, LinkState state) {
        return new LinkDriver() {
            @Override public String id() { return id; }
            @Override public LinkKind kind() { return LinkKind.OTHER; }
            @Override public String kindLabel() { return label; }
            @Override public LinkState state() { return state; }
            @Override public Optional<InetSocketAddress> localAddress() { return Optional.of(new InetSocketAddress("127.0.0.1", 40000)); }
            @Override public void send(InetSocketAddress destination, byte[] datagram) { }
            @Override public void setHandler(LinkHandler handler) { }
        };
    }

    @Test
    void anEstablishNamesTheDriversOwnKindLabelAndSkipsLinksThatAreDown() {
        MultiLinkTransport transport = new MultiLinkTransport();
        try {
            transport.addLink(link("sky0", "starlink", LinkState.UP));
            transport.addLink(link("down0", "starlink", LinkState.DOWN));
            transport.addLink(link("long0", "a-kind-label-over-16", LinkState.UP));
            List<LinkAddress> addresses = new LinkView(transport).linkAddresses();
            assertEquals(List.of("long0:a-kind-label-ove", "sky0:starlink"),
                    addresses.stream().map(a -> a.linkId() + ":" + a.kind()).sorted().toList());
        } finally {
            transport.close();
        }
    }
}
