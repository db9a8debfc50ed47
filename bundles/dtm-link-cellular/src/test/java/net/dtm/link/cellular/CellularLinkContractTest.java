package net.dtm.link.cellular;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.NetworkInterface;
import java.util.Map;

import net.dtm.link.tck.ComponentConfig;
import net.dtm.link.tck.LinkDriverContract;
import net.dtm.link.tck.LinkUnderTest;

/** The link driver contract for the service DS publishes, on the loopback interface {@code lo}. */
class CellularLinkContractTest extends LinkDriverContract {

    @Override
    protected LinkUnderTest open() throws Exception {
        assumeTrue(NetworkInterface.getByName("lo") != null, "no interface named lo on this system");
        CellularLinkService link = new CellularLinkService(ComponentConfig.of(CellularLinkComponent.Config.class,
                Map.of("link.id", "lte", "kind", "lte", "interface", "lo", "poll.ms", "100")));
        return LinkUnderTest.of(link, link::deactivate);
    }
}
