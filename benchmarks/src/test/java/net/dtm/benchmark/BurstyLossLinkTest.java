package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

class BurstyLossLinkTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 9);
    private static final int N = 20_000;

    /** Records what is sent and lets the test play the network delivering datagrams. */
    static final class RecordingLink implements LinkDriver {
        final List<byte[]> sent = new ArrayList<>();
        LinkHandler handler;

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
            return LinkState.DEGRADED;
        }

        @Override
        public Optional<InetSocketAddress> localAddress() {
            return Optional.of(PEER);
        }

        @Override
        public int mtu() {
            return 1280;
        }

        @Override
        public void send(InetSocketAddress destination, byte[] datagram) {
            sent.add(datagram);
        }

        @Override
        public void setHandler(LinkHandler h) {
            handler = h;
        }
    }

    @Test
    void dropsEachDirectionAtTheConfiguredRateAndReportsItselfAsTheLink() throws IOException {
        RecordingLink inner = new RecordingLink();
        BurstyLossLink link = new BurstyLossLink(inner, 30, 4, 21);
        List<LinkDriver> receivedOn = new ArrayList<>();
        List<LinkState> states = new ArrayList<>();
        link.setHandler(new LinkHandler() {
            @Override
            public void received(LinkDriver l, InetSocketAddress source, byte[] datagram) {
                receivedOn.add(l);
            }

            @Override
            public void stateChanged(LinkDriver l, LinkState state) {
                assertSame(link, l);
                states.add(state);
            }
        });
        for (int i = 0; i < N; i++) {
            link.send(PEER, new byte[] {1});
            inner.handler.received(inner, PEER, new byte[] {2});
        }
        assertEquals(0.70, inner.sent.size() / (double) N, 0.03, "outbound delivered");
        assertEquals(0.70, receivedOn.size() / (double) N, 0.03, "inbound delivered");
        assertEquals(N - inner.sent.size(), link.droppedOutbound.sum());
        assertEquals(N - receivedOn.size(), link.droppedInbound.sum());
        receivedOn.forEach(l -> assertSame(link, l));
        inner.handler.stateChanged(inner, LinkState.DOWN);
        assertEquals(List.of(LinkState.DOWN), states);
    }

    @Test
    void reportsTheWrappedLinksIdentity() {
        RecordingLink inner = new RecordingLink();
        BurstyLossLink link = new BurstyLossLink(inner, 50, 4, 1);
        assertEquals("lte", link.id());
        assertEquals(LinkKind.LTE, link.kind());
        assertEquals(LinkState.DEGRADED, link.state());
        assertEquals(Optional.of(PEER), link.localAddress());
        assertEquals(1280, link.mtu());
    }
}
