package net.dtm.examples.link;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import net.dtm.spi.link.LinkDriver;

/**
 * The {@link LinkDriver} service of one example link: a {@link UdpLink} that Declarative Services
 * creates, publishes and closes. Made by {@link ExampleLinkComponent} for each configuration, with
 * the configuration's properties plus {@code dtm.link.id} and {@code dtm.link.kind}.
 */
@Component(factory = ExampleLinkService.FACTORY, service = LinkDriver.class)
public final class ExampleLinkService extends UdpLink {

    /** The component factory's name. */
    static final String FACTORY = "net.dtm.link.example.service";

    /** Binds the socket; DS publishes the service once this returns. */
    @Activate
    public ExampleLinkService(ExampleLinkComponent.Config config) throws IOException {
        super(ExampleLinkComponent.settings(config));
    }

    /** The service is withdrawn (the transport stops using the link); closes the socket. */
    @Deactivate
    void deactivate() {
        close();
    }
}
