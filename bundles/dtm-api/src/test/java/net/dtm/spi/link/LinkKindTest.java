package net.dtm.spi.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class LinkKindTest {

    @Test
    void everyNamedKindIsTheKindOfItsLabelAndAnyOtherLabelIsOther() {
        for (LinkKind k : LinkKind.values()) {
            assertEquals(k, LinkKind.forLabel(k.label()));
            assertTrue(LinkKind.isValidLabel(k.label()), k.label());
        }
        assertEquals(LinkKind.OTHER, LinkKind.forLabel("starlink"));
        assertEquals(LinkKind.OTHER, LinkKind.forLabel(null));
    }

    @Test
    void labelsAreShortLowercaseTokens() {
        assertTrue(LinkKind.isValidLabel("5g"));
        assertTrue(LinkKind.isValidLabel("geo-sat.2_b"));
        assertTrue(LinkKind.isValidLabel("abcdefghijklmnop"));
        assertFalse(LinkKind.isValidLabel("abcdefghijklmnopq"), "17 characters");
        assertFalse(LinkKind.isValidLabel("Starlink"));
        assertFalse(LinkKind.isValidLabel("dial up"));
        assertFalse(LinkKind.isValidLabel("-x"));
        assertFalse(LinkKind.isValidLabel(""));
        assertFalse(LinkKind.isValidLabel(null));
    }

    @Test
    void parseStillKnowsOnlyTheNamedKinds() {
        assertEquals(LinkKind.FIVE_G, LinkKind.parse(" FIVE_G "));
        assertEquals(LinkKind.OTHER, LinkKind.parse("other"));
        assertThrows(IllegalArgumentException.class, () -> LinkKind.parse("starlink"));
    }

    @Test
    void aDriverThatSaysNothingMoreHasItsKindsLabel() {
        LinkDriver lte = new LinkDriver() {
            @Override
            public String id() {
                return "lte";
            }

            @Override
            public LinkKind kind() {
                return LinkKind.LTE;
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
        assertEquals("lte", lte.kindLabel());
    }
}
