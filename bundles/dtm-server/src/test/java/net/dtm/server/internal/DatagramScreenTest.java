package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

import net.dtm.protocol.EnrolmentToken;

/** The screen's lanes for ENROL, which anyone may send naming any device. */
class DatagramScreenTest {

    private final DatagramScreen screen = new DatagramScreen(16, new Counters());
    private final TestRouter router = new TestRouter("bus-1");
    private final TestDevice device = new TestDevice("bus-1");

    @Test
    void anEnrolTakesTheNormalLaneEvenNamingAKnownDeviceAndItsReplyMakesNoDeviceKnown() {
        byte[] enrol = router.enrol(EnrolmentToken.generate(new SecureRandom()));
        screen.answered(enrol);
        assertEquals(0, screen.size(), "an ENROL's reply proves nothing about the device");
        screen.remember(router.id);
        assertEquals(UdpEndpoint.Sorted.NORMAL, screen.sort(enrol), "counted against its source, not the device");
        byte[] establish = device.request(RequestHandlerContract.establish(""));
        assertEquals(UdpEndpoint.Lane.PRIORITY, screen.sort(establish).lane());
    }
}
