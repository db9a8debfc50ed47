package net.dtm.link.satellite;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import net.dtm.link.iface.InterfaceLink;
import net.dtm.spi.link.LinkDriver;

/**
 * The {@link LinkDriver} service of one satellite link: an {@link InterfaceLink} on the terminal's
 * interface that Declarative Services creates, publishes and closes. Made by
 * {@link SatelliteLinkComponent} for each factory configuration, with the configuration's
 * properties plus {@code dtm.link.id}, {@code dtm.link.kind} and {@code dtm.link.usage}.
 */
@Component(factory = SatelliteLinkService.FACTORY, service = LinkDriver.class)
public final class SatelliteLinkService extends InterfaceLink {

    /** The component factory's name. */
    static final String FACTORY = "net.dtm.link.satellite.service";

    @Activate
    public SatelliteLinkService(SatelliteLinkComponent.Config config) {
        super(SatelliteLinkComponent.settings(config));
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
