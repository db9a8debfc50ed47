package net.dtm.examples.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

class UdpLinkTest {

    private static UdpLinkSettings settings(String id) {
        return new UdpLinkSettings(id, LinkKind.ETHERNET, "127.0.0.1", 0, 1400);
    }

    @Test
    void twoLinksPassDatagramsBothWays() throws Exception {
        try (UdpLink a = new UdpLink(settings("a")); UdpLink b = new UdpLink(settings("b"))) {
            BlockingQueue<byte[]> atB = new ArrayBlockingQueue<>(4);
            BlockingQueue<InetSocketAddress> sources = new ArrayBlockingQueue<>(4);
            b.setHandler((link, source, datagram) -> {
                sources.add(source);
                atB.add(datagram);
            });
            assertEquals(LinkState.UP, a.state());
            a.send(b.localAddress().orElseThrow(), new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, atB.poll(5, TimeUnit.SECONDS));
            assertEquals(a.localAddress().orElseThrow(), sources.poll());
            assertEquals(1, a.datagramsSent());
            assertEquals(1, b.datagramsReceived());
        }
    }

    @Test
    void aDatagramLargerThanTheMtuIsRefused() throws Exception {
        try (UdpLink a = new UdpLink(new UdpLinkSettings("a", LinkKind.WIFI, "127.0.0.1", 0, 100))) {
            IOException e = assertThrows(IOException.class,
                    () -> a.send(a.localAddress().orElseThrow(), new byte[101]));
            assertTrue(e.getMessage().contains("exceeds mtu 100"), e.getMessage());
        }
    }

    @Test
    void closingReportsDownAndRefusesSends() throws Exception {
        UdpLink a = new UdpLink(settings("a"));
        InetSocketAddress to = a.localAddress().orElseThrow();
        BlockingQueue<LinkState> states = new ArrayBlockingQueue<>(4);
        a.setHandler(new LinkHandler() {
            @Override
            public void received(LinkDriver link, InetSocketAddress source, byte[] datagram) {
            }

            @Override
            public void stateChanged(LinkDriver link, LinkState state) {
                states.add(state);
            }
        });
        a.close();
        a.close();
        assertEquals(LinkState.DOWN, a.state());
        assertEquals(Optional.empty(), a.localAddress());
        assertEquals(LinkState.DOWN, states.poll());
        assertEquals(null, states.poll());
        assertThrows(IOException.class, () -> a.send(to, new byte[1]));
        // the port is free again at once
        try (UdpLink again = new UdpLink(new UdpLinkSettings("b", LinkKind.ETHERNET, "127.0.0.1", to.getPort(), 1400))) {
            assertEquals(to, again.localAddress().orElseThrow());
        }
    }

    @Test
    void settingsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new UdpLinkSettings(" ", LinkKind.LTE, "127.0.0.1", 0, 1400));
        assertThrows(IllegalArgumentException.class, () -> new UdpLinkSettings("x", LinkKind.LTE, "127.0.0.1", 70000, 1400));
        assertThrows(IllegalArgumentException.class, () -> new UdpLinkSettings("x", LinkKind.LTE, "127.0.0.1", 0, 10));
        assertThrows(IllegalArgumentException.class, () -> LinkKind.parse("dial-up"));
    }
}
