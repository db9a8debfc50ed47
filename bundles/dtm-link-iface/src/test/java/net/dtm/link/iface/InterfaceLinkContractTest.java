package net.dtm.link.iface;

import java.net.InetAddress;

import net.dtm.link.tck.LinkDriverContract;
import net.dtm.link.tck.LinkUnderTest;
import net.dtm.spi.link.LinkKind;

/** The link driver contract for an interface-bound link whose interface the test takes away and brings back. */
class InterfaceLinkContractTest extends LinkDriverContract {

    @Override
    protected LinkUnderTest open() throws Exception {
        InterfaceLinkTest.FakeLookup os = new InterfaceLinkTest.FakeLookup();
        os.status = InterfaceStatus.upWith(InetAddress.getLoopbackAddress());
        InterfaceLink link = new InterfaceLink(
                new InterfaceLinkSettings("wan", LinkKind.ETHERNET, "eth9", 0, 1400, 3_600_000, false), os, null);
        return LinkUnderTest.of(link, link::close).withOutage(() -> {
            os.status = InterfaceStatus.ABSENT;
            link.poll();
        }, () -> {
            os.status = InterfaceStatus.upWith(InetAddress.getLoopbackAddress());
            link.poll();
        });
    }
}
