package net.dtm.link.emulated;

import java.util.Map;

import net.dtm.link.tck.ComponentConfig;
import net.dtm.link.tck.LinkDriverContract;
import net.dtm.link.tck.LinkUnderTest;
import net.dtm.spi.link.LinkState;

/** The link driver contract for the service DS publishes: a clean emulated link (no delay, no loss) with outages on demand. */
class EmulatedLinkContractTest extends LinkDriverContract {

    @Override
    protected LinkUnderTest open() throws Exception {
        EmulatedLinkService link = new EmulatedLinkService(ComponentConfig.of(EmulatedLinkComponent.Config.class,
                Map.of("link.id", "lte", "kind", "lte", "loss.percent", "0", "bind.host", "127.0.0.1")));
        return LinkUnderTest.of(link, link::deactivate)
                .withOutage(() -> link.setState(LinkState.DOWN), () -> link.setState(LinkState.UP));
    }
}
