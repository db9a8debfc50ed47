package net.dtm.link.cellular;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import net.dtm.link.iface.InterfaceLink;
import net.dtm.spi.link.LinkDriver;

/**
 * The {@link LinkDriver} service of one cellular link: an {@link InterfaceLink} on the modem's
 * interface that Declarative Services creates, publishes and closes. Made by
 * {@link CellularLinkComponent} for each factory configuration, with the configuration's
 * properties plus {@code dtm.link.id} and {@code dtm.link.kind}.
 */
@Component(factory = CellularLinkService.FACTORY, service = LinkDriver.class)
public final class CellularLinkService extends InterfaceLink {

    /** The component factory's name. */
    static final String FACTORY = "net.dtm.link.cellular.service";

    @Activate
    public CellularLinkService(CellularLinkComponent.Config config) {
        super(CellularLinkComponent.settings(config));
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
