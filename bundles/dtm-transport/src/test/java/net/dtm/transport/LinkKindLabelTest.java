package net.dtm.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/** A link of a kind the SPI does not name is shown with its driver's own label. */
class LinkKindLabelTest {

    /** A link that only describes itself. */
    private static LinkDriver link(String id, LinkKind kind, String label) {
        return new LinkDriver() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public LinkKind kind() {
                return kind;
            }

            @Override
            public String kindLabel() {
                return label;
            }

            @Override
            public LinkState state() {
                return LinkState.UP;
            }

            @Override
            public Optional<InetSocketAddress> localAddress() {
                return Optional.empty();
            }

            @Override
            public void send(InetSocketAddress destination, byte[] datagram) {
            }

            @Override
            public void setHandler(LinkHandler handler) {
            }
        };
    }

    @Test
    void linkInfosCarryTheDriversKindLabel() {
        try (MultiLinkTransport transport = new MultiLinkTransport(TransportSettings.defaults(), null,
                MultiLinkTransportTest::txidOf)) {
            transport.addLink(link("sky", LinkKind.OTHER, "starlink"));
            transport.addLink(link("lte", LinkKind.LTE, "lte"));
            assertEquals("starlink", transport.linkInfos().stream().filter(i -> i.id().equals("sky")).findFirst()
                    .orElseThrow().kind());
            assertEquals("lte", transport.linkInfos().stream().filter(i -> i.id().equals("lte")).findFirst()
                    .orElseThrow().kind());
        }
    }
}
