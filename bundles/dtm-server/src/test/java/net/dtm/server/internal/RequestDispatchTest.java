package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;

class RequestDispatchTest {

    private static Envelope request(Message body) {
        return new Envelope(Direction.TO_SERVER, DeviceId.of("smr-1"), 1, 1, body);
    }

    private static final Envelope ESTABLISH = request(new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty()));
    private static final Envelope CONFIRM = request(new Confirm("demo", InetAddress.getLoopbackAddress(), 1));

    @Test
    void eachTypeGoesToItsHandlerAndOnlyRegisteredTypesAreServed() {
        RequestDispatch d = new RequestDispatch(Map.of(MessageType.CONFIRM, r -> CompletableFuture.completedFuture(new Ack(MessageType.CONFIRM))), "node-a");
        assertTrue(d.serves(MessageType.CONFIRM));
        assertFalse(d.serves(MessageType.ESTABLISH));
        assertEquals(new Ack(MessageType.CONFIRM), d.answer(CONFIRM).join());
        Nak nak = assertInstanceOf(Nak.class, d.answer(ESTABLISH).join());
        assertEquals(Reason.BAD_REQUEST, nak.reason());
    }

    @Test
    void aRefusalIsANakWithItsReasonAndAFailureIsInternal() {
        RequestDispatch d = new RequestDispatch(Map.of(
                MessageType.ESTABLISH, r -> {
                    throw new DtmException(Reason.POOL_EXHAUSTED, "pool demo is full");
                },
                MessageType.CONFIRM, r -> {
                    throw new IllegalStateException("bug");
                }), "node-a");
        assertEquals(new Nak(Reason.POOL_EXHAUSTED, "pool demo is full"), d.answer(ESTABLISH).join());
        assertEquals(new Nak(Reason.INTERNAL, "internal error"), d.answer(CONFIRM).join());
    }

    @Test
    void nakTextsAreCutToWhatTheWireCarries() {
        String text = "é".repeat(150);   // 300 bytes of UTF-8
        Nak nak = RequestDispatch.nak(Reason.BAD_REQUEST, text);
        assertEquals(RequestDispatch.MAX_NAK_TEXT, nak.text().getBytes(StandardCharsets.UTF_8).length);
        assertTrue(text.startsWith(nak.text()));
        assertEquals("no-pool", RequestDispatch.nak(Reason.NO_POOL, null).text());
    }

    @Test
    void aServerServesEstablishConfirmRenewReleaseAndPath() {
        ServerSettings settings = new ServerSettings("node-a", new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("192.0.2.1", 4789), TunnelType.VXLAN, 1400, 10, "demo", List.of());
        FakePools pools = new FakePools(Clock.systemUTC());
        ClusterView view = new ClusterView(null, settings, Clock.systemUTC());
        DataPlane dataPlane = new DataPlane();
        RequestDispatch d = RequestDispatch.serverRequests(new RequestContext(settings, pools, Clock.systemUTC(),
                new Counters(), view, dataPlane, new ParamsBuilder(settings, pools, Clock.systemUTC(), view, dataPlane)));
        EnumSet<MessageType> served = EnumSet.noneOf(MessageType.class);
        for (MessageType t : MessageType.values()) {
            if (d.serves(t)) {
                served.add(t);
            }
        }
        assertEquals(EnumSet.of(MessageType.ESTABLISH, MessageType.CONFIRM, MessageType.RENEW, MessageType.RELEASE,
                MessageType.PATH), served);
    }
}
