package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.dtm.protocol.EnrolmentToken;

/** The screen's lanes: ENROL, which anyone may send naming any device; devices the registry holds. */
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

    @Test
    void aDeviceTheRegistryHoldsGoesFirstThoughNeverAnsweredAndBeyondTheAnsweredTable() {
        TestDevice other = new TestDevice("bus-2");
        TestDevice unknown = new TestDevice("bus-3");
        DatagramScreen small = new DatagramScreen(1, new Counters(), Set.of(device.id, other.id)::contains);
        byte[] establish = device.request(RequestHandlerContract.establish(""));
        byte[] otherEstablish = other.request(RequestHandlerContract.establish(""));
        small.answered(unknown.request(RequestHandlerContract.establish("")));   // fills the one-device table

        assertEquals(new UdpEndpoint.Sorted(UdpEndpoint.Lane.PRIORITY, device.id), small.sort(establish));
        assertEquals(new UdpEndpoint.Sorted(UdpEndpoint.Lane.PRIORITY, other.id), small.sort(otherEstablish));
        assertEquals(UdpEndpoint.Lane.PRIORITY, small.sort(unknown.request(RequestHandlerContract.establish(""))).lane(),
                "answered: in the table");
        assertEquals(UdpEndpoint.Sorted.NORMAL, small.sort(new TestDevice("bus-4").request(RequestHandlerContract.establish(""))),
                "neither held nor answered");
        assertEquals(UdpEndpoint.Sorted.NORMAL, small.sort(router.enrol(EnrolmentToken.generate(new SecureRandom()))),
                "an ENROL still counts against its source");
    }
}
