package net.dtm.examples.link;

import java.util.Map;

import net.dtm.link.tck.ComponentConfig;
import net.dtm.link.tck.LinkDriverContract;
import net.dtm.link.tck.LinkUnderTest;

/**
 * DTM's link driver contract for the service DS publishes, here of a kind the SPI does not name.
 * The link is UP until it is withdrawn, so the suite's outage test is skipped.
 */
class ExampleLinkContractTest extends LinkDriverContract {

    @Override
    protected LinkUnderTest open() throws Exception {
        ExampleLinkService link = new ExampleLinkService(ComponentConfig.of(ExampleLinkComponent.Config.class,
                Map.of("link.id", "wan2", "kind", "starlink", "bind.host", "127.0.0.1")));
        return LinkUnderTest.of(link, link::deactivate);
    }
}
