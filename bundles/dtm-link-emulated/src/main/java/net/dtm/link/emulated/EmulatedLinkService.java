package net.dtm.link.emulated;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import net.dtm.spi.link.LinkDriver;

/**
 * The {@link LinkDriver} service of one emulated link: an {@link EmulatedLink} that Declarative
 * Services creates, publishes and closes. Made by {@link EmulatedLinkComponent} for each factory
 * configuration, with the configuration's properties plus {@code dtm.link.id} and {@code dtm.link.kind}.
 */
@Component(factory = EmulatedLinkService.FACTORY, service = LinkDriver.class)
public final class EmulatedLinkService extends EmulatedLink {

    /** The component factory's name. */
    static final String FACTORY = "net.dtm.link.emulated.service";

    @Activate
    public EmulatedLinkService(EmulatedLinkComponent.Config config) throws IOException {
        super(EmulatedLinkComponent.settings(config));
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
