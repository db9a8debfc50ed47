package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.TunnelType;
import net.dtm.protocol.Establish;
import net.dtm.protocol.ReplayWindow;
import net.dtm.protocol.Transactions;

class RequestAuthenticatorTest {

    static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 40000);
    static final Establish ESTABLISH = new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty());

    private final TestDevice device = new TestDevice("smr-1");
    private final TestDevice other = new TestDevice("smr-2");
    private final Counters counters = new Counters();
    private final RequestAuthenticator auth = new RequestAuthenticator(
            id -> Optional.ofNullable(Map.of(device.id, device.key).get(id)), counters);

    @Test
    void anEnrolledDevicesRequestOpensWithItsKeyOthersAreCounted() {
        RequestAuthenticator.Authentic a = auth.open(device.request(ESTABLISH), SOURCE).orElseThrow();
        assertEquals(device.id, a.request().device());
        assertArrayEquals(device.key, a.key());
        assertTrue(auth.open(other.request(ESTABLISH), SOURCE).isEmpty());
        assertEquals(1, counters.get("dropped.unknown-device"));
        assertTrue(auth.open(new byte[] {1, 2, 3}, SOURCE).isEmpty());
        assertEquals(1, counters.snapshot().entrySet().stream()
                .filter(e -> e.getKey().startsWith("dropped.") && !e.getKey().equals("dropped.unknown-device"))
                .mapToLong(Map.Entry::getValue).sum(), counters.snapshot().toString());
    }

    @Test
    void theReplayWindowJudgesEachDeviceOnItsOwnAndAReplayReservesNothing() {
        List<Boolean> reserved = new ArrayList<>();
        long base = device.nextSequence();
        long txid = Transactions.newId();
        assertEquals(Optional.of("r"), auth.admit(open(device, txid, base + ReplayWindow.DEFAULT_SIZE), SOURCE, isNew -> {
            reserved.add(isNew);
            return "r";
        }));
        auth.admit(open(device, txid, base + ReplayWindow.DEFAULT_SIZE), SOURCE, reserved::add);
        auth.admit(open(other, txid, base), SOURCE, reserved::add);
        assertEquals(List.of(true, false, true), reserved, "NEW, DUPLICATE, and another device's window is its own");

        assertTrue(auth.admit(open(device, txid, base - 1), SOURCE, reserved::add).isEmpty());
        assertEquals(3, reserved.size(), "a replay reserves nothing");
        assertEquals(1, counters.get("dropped.replay"));
    }

    /** A request of {@code d} with the given sequence, authenticated by a permissive authenticator. */
    private static net.dtm.protocol.Envelope open(TestDevice d, long txid, long sequence) {
        return new RequestAuthenticator(id -> Optional.of(d.key), new Counters())
                .open(d.request(txid, sequence, ESTABLISH), SOURCE).orElseThrow().request();
    }
}
