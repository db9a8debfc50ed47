package net.dtm.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import net.dtm.link.tck.DescribedLink;
import net.dtm.spi.link.LinkKind;

/** A link of a kind the SPI does not name is shown with its driver's own label. */
class LinkKindLabelTest {

    @Test
    void linkInfosCarryTheDriversKindLabel() {
        try (MultiLinkTransport transport = new MultiLinkTransport(TransportSettings.defaults(), null,
                MultiLinkTransportTest::txidOf)) {
            transport.addLink(DescribedLink.of("sky", LinkKind.OTHER, "starlink", null));
            transport.addLink(DescribedLink.of("lte", LinkKind.LTE, "lte", null));
            assertEquals("starlink", transport.linkInfos().stream().filter(i -> i.id().equals("sky")).findFirst()
                    .orElseThrow().kind());
            assertEquals("lte", transport.linkInfos().stream().filter(i -> i.id().equals("lte")).findFirst()
                    .orElseThrow().kind());
        }
    }
}
