package net.dtm.link.satellite;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.NetworkInterface;
import java.util.Map;

import net.dtm.link.tck.ComponentConfig;
import net.dtm.link.tck.LinkDriverContract;
import net.dtm.link.tck.LinkUnderTest;

/** The link driver contract for the service DS publishes, on the loopback interface {@code lo}. */
class SatelliteLinkContractTest extends LinkDriverContract {

    @Override
    protected LinkUnderTest open() throws Exception {
        assumeTrue(NetworkInterface.getByName("lo") != null, "no interface named lo on this system");
        SatelliteLinkService link = new SatelliteLinkService(ComponentConfig.of(SatelliteLinkComponent.Config.class,
                Map.of("link.id", "geo", "interface", "lo", "poll.ms", "100")));
        return LinkUnderTest.of(link, link::deactivate);
    }
}
