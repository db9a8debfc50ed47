package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.server.internal.EnrolOutcome.Result;
import net.dtm.api.fakes.SettableClock;

/** The security log of enrolment: what is written, how often, and never a secret. */
class EnrolAuditTest {

    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");
    private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.10", 40000);
    private static final DeviceId BUS = DeviceId.of("bus-1");

    private final SettableClock clock = new SettableClock(START);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final EnrolAudit audit = new EnrolAudit(clock, lines::add);
    private final EnrolmentKey key = new EnrolmentKey("abcdefabcdef", new byte[32], new byte[32], "depot north", "bus-*", "buses", 5, 2,
            START, START.plusSeconds(3600), false);
    private final byte[] router = new byte[32];
    private final DeviceCredential credential = DeviceCredential.enrolledBy(BUS, filled(7), START, router);

    private static byte[] filled(int b) {
        byte[] a = new byte[32];
        java.util.Arrays.fill(a, (byte) b);
        return a;
    }

    @Test
    void everyGrantIsWrittenWithTheKeyDeviceAndSourceButNoDeviceKey() {
        for (int i = 0; i < 3; i++) {
            audit.record(new EnrolOutcome(Result.GRANTED, "", credential, null, key), BUS, key.id(), router, SOURCE);
        }
        assertEquals(3, lines.size(), "grants are never throttled");
        String line = lines.get(0);
        assertTrue(line.startsWith("enrol granted: device=bus-1 key=abcdefabcdef label=\"depot north\" uses=2/5"), line);
        assertTrue(line.contains("source=" + SOURCE), line);
        assertFalse(line.toLowerCase().contains(HexFormat.of().formatHex(credential.key())), "no device key");
        audit.record(new EnrolOutcome(Result.REPLACED, "", credential, new DeviceCredential(BUS, filled(1), START), key),
                BUS, key.id(), router, SOURCE);
        assertTrue(lines.get(3).contains("replacing an operator-enrolled device"), lines.get(3));
    }

    @Test
    void refusalsAreWrittenAtMostOncePerKeyPerSecondWithACount() {
        for (int i = 0; i < 10; i++) {
            audit.record(EnrolOutcome.refused("bad-signature", key), BUS, key.id(), router, SOURCE);
            audit.record(EnrolOutcome.refused("unknown-key", null), BUS, "zzzz" + i, router, SOURCE);
        }
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("enrol refused (bad-signature): device=bus-1 key=abcdefabcdef"), lines.get(0));
        assertTrue(lines.get(1).startsWith("enrol refused (unknown-key): device=bus-1 key=zzzz0"), lines.get(1));
        clock.advance(Duration.ofMillis(EnrolAudit.PERIOD_MILLIS));
        audit.record(EnrolOutcome.refused("expired", key), BUS, key.id(), router, SOURCE);
        assertTrue(lines.get(2).endsWith("(+9 similar not logged)"), lines.get(2));
        audit.record(EnrolOutcome.tryLater("store-unavailable"), BUS, key.id(), router, SOURCE);
        assertEquals(3, lines.size(), "a deferral decides nothing: counted only");
    }
}
