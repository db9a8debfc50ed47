package net.dtm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.link.tck.DescribedLink;
import net.dtm.protocol.LinkAddress;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;
import net.dtm.transport.MultiLinkTransport;

class LinkViewTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);

    @Test
    void anEstablishNamesTheDriversOwnKindLabelAndSkipsLinksThatAreDown() {
        MultiLinkTransport transport = new MultiLinkTransport();
        try {
            transport.addLink(DescribedLink.of("sky0", LinkKind.OTHER, "starlink", LOCAL));
            transport.addLink(DescribedLink.of("down0", LinkKind.OTHER, "starlink", LOCAL).in(LinkState.DOWN));
            transport.addLink(DescribedLink.of("long0", LinkKind.OTHER, "a-kind-label-over-16", LOCAL));
            List<LinkAddress> addresses = new LinkView(transport).linkAddresses();
            assertEquals(List.of("long0:a-kind-label-ove", "sky0:starlink"),
                    addresses.stream().map(a -> a.linkId() + ":" + a.kind()).sorted().toList());
        } finally {
            transport.close();
        }
    }
}
